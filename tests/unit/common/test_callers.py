"""A refusal for want of a role names the roles by the names staff use (docs/domain.md,
the pages): the command line prints it as it is."""

from __future__ import annotations

from services.common.auth import Principal
from services.common.callers import role_required


def test_a_role_refusal_names_the_roles_as_the_pages_and_the_domain_do() -> None:
    refusal = role_required(Principal(username="li", roles=("staff",)),
                            ["archivist", "manager", "center_head"])
    assert refusal.detail == (
        "only archivist (档案管理员), manager (部门负责人) or center_head (客户服务中心负责人) "
        "may do this; your role: staff (员工)")
