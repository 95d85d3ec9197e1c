"""Indicator details (issue 13, seed 003): what a unit says about each indicator
besides its result — who supervises and collects it, the explanation of work,
supporting factors, obstacles and the evidence list — and the ministry's own text
for it (description, the criterion of each of the five levels).

This module holds the data shapes shared by the details tab (``รายละเอียดตัวชี้วัด``)
and the per-indicator report; the tab's reading and writing build on them.
"""
from __future__ import annotations

from dataclasses import dataclass, field

DETAILS_SHEET = "รายละเอียดตัวชี้วัด"
SUPERVISOR_ROLE = "ผู้กำกับดูแลตัวชี้วัด"
COLLECTOR_ROLE = "ผู้จัดเก็บข้อมูล"


@dataclass(frozen=True)
class Evidence:
    """One item of the evidence list (หลักฐานอ้างอิง), with a link where the unit gave one."""
    text: str
    link: str = ""


@dataclass
class IndicatorDetails:
    """One indicator's details: template-owned text first, then what the unit typed."""
    code: str
    # template (ministry) owned
    description: str = ""                                   # คำอธิบาย
    criteria: tuple[str, ...] = ("", "", "", "", "")        # the text of level 1..5 (seed 003's steps)
    supervisor_role: str = SUPERVISOR_ROLE
    collector_role: str = COLLECTOR_ROLE
    # unit owned
    supervisor: str = ""                                    # ผู้กำกับดูแลตัวชี้วัด
    supervisor_phone: str = ""
    collector: str = ""                                     # ผู้จัดเก็บข้อมูล
    collector_phone: str = ""
    explanation: str = ""                                   # คำชี้แจงการปฏิบัติงาน/มาตรการที่ได้ดำเนินการ
    supporting_factors: str = ""                            # ปัจจัยสนับสนุนต่อการดำเนินงาน
    obstacles: str = ""                                     # อุปสรรคต่อการดำเนินงาน
    evidence: list[Evidence] = field(default_factory=list)  # หลักฐานอ้างอิง, in order
