"""The yearly statistics (O2) count a destroyed document in its category now, as they
count it received and held, not in the one a register copied when drawn up."""

from __future__ import annotations

import pytest

from services.common.errors import Conflict
from services.registry.corrections.models import CorrectionRequest, MetadataChanges
from services.registry.destruction.models import DestructionRequest, WitnessSignature
from tests.unit.registry.retention.conftest import PASSWORD, Retention, person


async def test_a_category_corrected_once_its_register_was_withdrawn_counts_in_the_new_one(
        retention: Retention) -> None:
    """While the register waited, its category was not corrected (R6, D11:
    ``in_destruction_register``); withdrawn, corrected and listed again, the document is
    destroyed and counted in its category now."""
    misfiled = await retention.file(category="repair")
    register = await retention.register([misfiled])
    fix = CorrectionRequest(changes=MetadataChanges(category="complaint"),
                            reason="类别录错：是投诉记录")
    with pytest.raises(Conflict) as refused:
        await retention.services.corrections.request(person("wang"), misfiled.document_id, fix)
    await retention.services.destructions.cancel(person("qian"), register.destruction_id)
    await retention.services.corrections.request(person("wang"), misfiled.document_id, fix)
    again = await retention.services.destructions.create(
        person("qian"), DestructionRequest(sweep_id=register.sweep_id))
    for witness in ("wang", "sun"):
        await retention.services.destructions.witness(
            person(witness), again.destruction_id, WitnessSignature(password=PASSWORD))
    await retention.services.destructions.execute(person("qian"), again.destruction_id)
    await retention.services.destructions.executor.wait()
    report = await retention.services.statistics.year(retention.clock.now().year)
    assert refused.value.code == "in_destruction_register"
    assert [item.category for item in again.items] == ["complaint"]
    assert (report.received.by_category, report.holdings.by_category,
            report.destroyed.by_category) == ({"complaint": 1}, {}, {"complaint": 1})
