"""Seed 003 (../shared/seeds/003_*.txt, OPDC's per-indicator report of indicator 7.2.1)
read into IndicatorDetails by its section labels, for the report tests: the texts are
the seed's own, cut at the labels, page headers left out. Not the project's importer."""
from __future__ import annotations

import re

from conftest import shared_file
from sheets_sync.kinds.indicator_details import Evidence, IndicatorDetails

CODE = "7.2.1"
NAME = "ระดับความสำเร็จของการดำเนินการตามมาตรการ/แผนปฏิบัติการป้องกันการทุจริต"
HEADER = "รายงานผลการปฏิบัติราชการตามคำรับรองการปฏิบัติราชการ (รายตัวชี้วัด)"


def seed_lines() -> list[str]:
    text = shared_file("seeds", pattern="003_*.txt").read_text(encoding="utf-8")
    return [ln for ln in text.splitlines() if HEADER not in ln]     # page headers out


def _between(lines: list[str], start: str, end: str | None) -> list[str]:
    i = next(n for n, ln in enumerate(lines) if start in ln)
    j = next(n for n, ln in enumerate(lines) if end in ln) if end else len(lines)
    first = lines[i].split(start, 1)[1].lstrip(" :")
    return ([first] if first.strip() else []) + lines[i + 1:j]


def _text(lines: list[str]) -> str:
    return "\n".join(ln.rstrip() for ln in lines).strip()


def _after(lines: list[str], label: str) -> str:
    return next(ln for ln in lines if label in ln).split(":", 1)[1].strip()


def steps(lines: list[str]) -> tuple[str, ...]:
    body = _between(lines, "การดำเนินงานในแต่ละขั้นตอน", "เกณฑ์การให้คะแนน")[1:]   # "ปีงบประมาณ พ.ศ.2550" out
    out, cur = [], None
    for ln in body:
        if re.fullmatch(r"\s*[1-5]\s*", ln):
            cur = []
            out.append(cur)
        elif cur is not None:
            cur.append(ln)
    return tuple(_text(s) for s in out)


def evidence(lines: list[str]) -> list[Evidence]:
    items: list[list[str]] = []
    for ln in _between(lines, "หลักฐานอ้างอิง", None):
        if re.match(r"\s*\d+\.\s", ln):
            items.append([re.sub(r"^\s*\d+\.\s+", "", ln).strip()])
        elif ln.strip() and items:
            items[-1].append(ln.strip())
    return [Evidence(" ".join(parts)) for parts in items]


def seed003_details() -> IndicatorDetails:
    lines = seed_lines()
    phones = [ln.split(":", 1)[1].strip() for ln in lines if ln.strip().startswith("โทรศัพท์")]
    return IndicatorDetails(
        CODE,
        description=_text(_between(lines, "คำอธิบาย", "ข้อมูลผลการดำเนินงาน")),
        criteria=steps(lines),
        supervisor=_after(lines, "ผู้กำกับดูแลตัวชี้วัด"), supervisor_phone=phones[0],
        collector=_after(lines, "ผู้จัดเก็บข้อมูล"), collector_phone=phones[1],
        explanation=_text(_between(lines, "คำชี้แจงการปฏิบัติงาน/มาตรการที่ได้ดำเนินการ", "ปัจจัยสนับสนุนต่อการดำเนินงาน")),
        supporting_factors=_text(_between(lines, "ปัจจัยสนับสนุนต่อการดำเนินงาน", "อุปสรรคต่อการดำเนินงาน")),
        obstacles=_text(_between(lines, "อุปสรรคต่อการดำเนินงาน", "หลักฐานอ้างอิง")),
        evidence=evidence(lines))
