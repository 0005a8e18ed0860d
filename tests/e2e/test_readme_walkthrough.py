"""The README's walk-through works as written: its `sh` blocks, run in order in one bash session (as a reader
pasting them into one terminal) against a real `reward-ledger serve --demo`, with only the address and the
key changed. And the demo prints the same key on every start of a database."""

from __future__ import annotations

import asyncio
import json
import re
import stat
from pathlib import Path
from typing import Any

import httpx

from tests.e2e.demo_support import running_demo

ROOT = Path(__file__).resolve().parents[2]
SECTION = "## Walk-through: every provider in the demo"
README_ADDRESS = "http://127.0.0.1:8000"
END_OF_BLOCK = "=====end of block====="


def walkthrough_blocks() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start = readme.index(SECTION)
    end = readme.find("\n## ", start + len(SECTION))
    section = readme[start:end if end != -1 else None]
    return re.findall(r"^```sh\n(.*?)^```$", section, flags=re.DOTALL | re.MULTILINE)


def as_run_against(block: str, url: str, key: str) -> str:
    block = block.replace(README_ADDRESS, url)
    return re.sub(r"^KEY=.*$", f"KEY={key}", block, flags=re.MULTILINE)


async def run_in_one_session(blocks: list[str]) -> list[str]:
    """Each block's output, in order; the whole run stops at the first failing command."""
    script = "set -euo pipefail\n" + "".join(f"{block}\necho '{END_OF_BLOCK}'\n" for block in blocks)
    process = await asyncio.create_subprocess_exec("bash", "-c", script, stdout=asyncio.subprocess.PIPE,
                                                   stderr=asyncio.subprocess.STDOUT)
    output, _ = await asyncio.wait_for(process.communicate(), timeout=120)
    text = output.decode()
    assert process.returncode == 0, text
    return text.split(END_OF_BLOCK + "\n")[:len(blocks)]


def json_values(output: str) -> list[Any]:
    """Every JSON object printed, in order; other text (an ID a block echoes) is skipped."""
    decoder, values, position = json.JSONDecoder(), [], 0
    while (position := output.find("{", position)) != -1:
        try:
            value, position = decoder.raw_decode(output, position)
        except ValueError:
            position += 1
            continue
        values.append(value)
    return values


def user_errors_in(value: Any) -> list[Any]:
    if isinstance(value, dict):
        found = [value["userErrors"]] if "userErrors" in value else []
        return found + [errors for item in value.values() for errors in user_errors_in(item)]
    if isinstance(value, list):
        return [errors for item in value for errors in user_errors_in(item)]
    return []


def answer_to(answers: list[dict[str, Any]], field: str) -> Any:
    matching = [answer["data"][field] for answer in answers if field in (answer.get("data") or {})]
    assert matching, f"no answer to {field}"
    return matching[-1]


async def test_the_walkthrough_runs_as_written(tmp_path: Path):
    blocks = walkthrough_blocks()
    assert len(blocks) == 6, "the key, then one block per provider"
    async with running_demo(tmp_path / "demo.sqlite3", tmp_path) as demo:
        outputs = await run_in_one_session([as_run_against(block, demo.url, demo.key) for block in blocks])
    printed = [value for output in outputs for value in json_values(output)]
    answers = [value for value in printed if "data" in value or "errors" in value]
    for answer in answers:
        assert "errors" not in answer, answer
        assert all(errors == [] for errors in user_errors_in(answer)), answer

    assert answer_to(answers, "redeemLotteryTicket")["reward"]["status"] == "ISSUED"
    coupons = answer_to(answers, "issueCoupons")
    assert coupons["reward"]["status"] == "ISSUED" and len(coupons["coupons"]) == 2
    [sent] = answer_to(answers, "sendRedPacket")["rewards"]
    assert sent["amount"]["formatted"] == "¥1.88"
    assert {"claimed": 1} in printed
    assert answer_to(answers, "refreshRedPacketStatus")["reward"]["status"] == "CLAIMED"
    assert answer_to(answers, "drawLottery")["reward"]["status"] not in ("FAILED", "UNKNOWN")
    [push] = [value for value in printed if "delivered" in value]
    assert push["delivered"] is True and push["body"] == "success"
    [draw] = answer_to(answers, "rewards")["nodes"]
    assert (draw["kind"], draw["status"], draw["memberId"]) == ("DRAW", "ISSUED", "bob")


def kept_key(database: Path) -> tuple[str, int]:
    """The key kept beside the database, and the file's permissions."""
    key_file = Path(f"{database}.demo-key")
    return key_file.read_text().strip(), stat.S_IMODE(key_file.stat().st_mode)


def keep_key(database: Path, key: str) -> None:
    key_file = Path(f"{database}.demo-key")
    key_file.write_text(key + "\n")
    key_file.chmod(0o644)


async def test_a_restart_on_the_same_database_prints_the_same_key_and_seeds_nothing_twice(tmp_path: Path):
    database = tmp_path / "demo.sqlite3"
    async with running_demo(database, tmp_path, "first") as first:
        pass
    assert kept_key(database) == (first.key, 0o600)  # readable by its owner alone
    async with running_demo(database, tmp_path, "second") as second, \
            httpx.AsyncClient(base_url=second.url, timeout=30) as http:
        assert second.key == first.key
        query = "{ viewer { role } campaigns { totalCount } redPacketActivities { cashRedpackId } }"
        answer = await http.post("/graphql", json={"query": query}, headers={"Authorization": f"Bearer {second.key}"})
        data = answer.json()["data"]
    assert data == {"viewer": {"role": "ADMIN"}, "campaigns": {"totalCount": 3},
                    "redPacketActivities": [{"cashRedpackId": 7001}]}


async def test_a_kept_key_that_no_longer_authenticates_is_replaced(tmp_path: Path):
    database = tmp_path / "demo.sqlite3"
    keep_key(database, "rl_key_revoked-or-from-another-database")
    async with running_demo(database, tmp_path) as demo:
        pass
    assert demo.key != "rl_key_revoked-or-from-another-database"
    assert kept_key(database) == (demo.key, 0o600)
