"""Seed 000's printed tables and sample, and PROTOCOLS.md §0's samples (tests/fixtures/seeds/unionpay/, see
its README), read as they are: the shapes UnionPay's answers take, and answers built in them."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from providers.http import Timeouts
from providers.unionpay.settings import UnionPaySettings
from tests.allinpay_seed import shape

SEED_DIR = Path(__file__).resolve().parent / "fixtures" / "seeds" / "unionpay"
SEED_TIME = re.compile(r"^\d{14}\Z")  # the seed's respTime: yyyyMMddHHmmss
# Settings that read answers unsigned, for tests about what an answer says rather than who signed it.
UNSIGNED = UnionPaySettings(base_url="http://unionpay.invalid", app_id="app", private_key_pem="",
                            provider_public_key_pem="", symmetric_key="", backend_secret=None,
                            response_signature="off", timeouts=Timeouts())


def _text(name: str) -> str:
    return (SEED_DIR / name).read_text(encoding="utf-8")


def _table(name: str) -> list[list[str]]:
    """A markdown table as printed: its rows (header first, the --- line dropped), cells stripped."""
    rows = [[cell.strip() for cell in line.strip().strip("|").split("|")] for line in _text(name).splitlines()]
    return [row for row in rows if not set("".join(row)) <= {"-", " "}]


def request_fields() -> dict[str, bool]:
    """更多参数: each business parameter and whether it is required (是否必填 是)."""
    header, *rows = _table("qual.reduce.request.md")
    assert header[1:3] == ["参数名", "是否必填"], header
    return {row[1]: row[2] == "是" for row in rows}


def answer_fields() -> list[str]:
    """返回结果: the answer's fields, in the seed's order (all at the top level)."""
    header, *rows = _table("qual.reduce.answer.md")
    assert header[1] == "参数名", header
    return [row[1] for row in rows]


def award_fields() -> list[str]:
    """awardInfo奖项信息: the award's fields, in the seed's order."""
    header, *rows = _table("qual.reduce.awardInfo.md")
    assert header[0] == "数据名称", header
    return [row[0] for row in rows]


def printed_success() -> dict[str, Any]:
    """The one answer the seed prints, in its resp row: `{‘resp’: ‘00’}` (curly quotes read as JSON's)."""
    [row] = [row for row in _table("qual.reduce.answer.md") if row[1] == "resp"]
    sample = row[2][row[2].index("{"): row[2].index("}") + 1]
    return dict(json.loads(sample.replace("‘", '"').replace("’", '"')))


def refused_answer() -> dict[str, Any]:
    """PROTOCOLS.md §0's live refusal: `{"resp":"BC0024","msg":"非法请求[…]","params":{}}`."""
    return dict(json.loads(_text("qual.reduce.refused.answer.json")))


def token_answer() -> dict[str, Any]:
    """PROTOCOLS.md §0's live backendToken answer."""
    return dict(json.loads(_text("backendToken.answer.json")))


def protocols_quote(name: str) -> str:
    return str(json.loads(_text("protocols-0.json"))[name]["quote"])


def seed_award_answer(trans_number: str = "T0001", **award: str) -> dict[str, Any]:
    """A prize as the seed's tables lay it out: its four fields at the top level, awardInfo with its fourteen,
    every value a string (a red packet of 188 fen unless `award` says otherwise)."""
    info = {name: "" for name in award_fields()}
    info.update(activityNumber="ACT0001", activityName="抽奖活动", beginTime="20240601000000",
                endTime="20240630235959", awardId="A1", awardType="06", awardName="1.88元红包", awardValue="188",
                drawDesc="恭喜获得1.88元红包")
    info.update(award)
    values = {"resp": "00", "respTime": "20240601120000", "awardInfo": info, "transNumber": trans_number}
    return {name: values[name] for name in answer_fields()}


def seed_answer_shape() -> dict[str, Any]:
    """The shape (keys, nesting, types) of a prize as the seed prints it."""
    return shape(seed_award_answer())


def in_protocols_envelope(answer: dict[str, Any]) -> dict[str, Any]:
    """The same prize as PROTOCOLS.md §0 places it: `{"resp", "msg", "params": {respCode, respTime,
    transNumber, awardInfo}}`."""
    params = {"respCode": answer["resp"], **{name: value for name, value in answer.items() if name != "resp"}}
    return {"resp": answer["resp"], "msg": "成功", "params": params}
