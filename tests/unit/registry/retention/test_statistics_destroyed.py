"""The yearly statistics (O2) count a destroyed document in its category now, as they
count it received and held, not in the one its register copied when drawn up."""

from __future__ import annotations

from services.registry.corrections.models import CorrectionRequest, MetadataChanges
from services.registry.destruction.models import WitnessSignature
from tests.unit.registry.retention.conftest import PASSWORD, Retention, person


async def test_a_category_corrected_while_its_register_waited_counts_in_the_new_one(
        retention: Retention) -> None:
    misfiled = await retention.file(category="repair")
    register = await retention.register([misfiled])
    await retention.services.corrections.request(person("wang"), misfiled.document_id,
                                                 CorrectionRequest(
        changes=MetadataChanges(category="complaint"), reason="类别录错：是投诉记录"))
    for witness in ("wang", "sun"):
        await retention.services.destructions.witness(
            person(witness), register.destruction_id, WitnessSignature(password=PASSWORD))
    await retention.services.destructions.execute(person("qian"), register.destruction_id)
    await retention.services.destructions.executor.wait()
    report = await retention.services.statistics.year(retention.clock.now().year)
    assert (report.received.by_category, report.holdings.by_category,
            report.destroyed.by_category) == ({"complaint": 1}, {}, {"complaint": 1})
