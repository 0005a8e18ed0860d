"""The sandbox's reports (seed §8.7): HTML pages in `content.report`, built from its redemptions.

The real gateway's layout is not documented, so these are plain tables with the columns the seed names.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from html import escape
from typing import Any

from providers.instant_lottery.sandbox_calls import BadParams, GatewayCall, Reply, ok, refusal, text_param
from providers.instant_lottery.sandbox_queries import DETAIL_FAILED, matches_game
from providers.instant_lottery.sandbox_state import Redemption, SandboxState, beijing_date
from providers.instant_lottery.signing import beijing_timestamp

_LONGEST_AWARD_REPORT = timedelta(days=1)  # §8.7.4: "一般情况下,查询的时间范围不允许超过一天"


def sales_report(state: SandboxState, call: GatewayCall) -> Reply:
    first, last = _date_range(call.params, "beginDate", "endDate")
    game_no, batch_no = text_param(call.params, "gameNo"), text_param(call.params, "batchNo")
    totals: dict[tuple[str, str], list[int]] = {}
    for redemption in _chosen_redemptions(state, call, first, last):
        if matches_game(redemption.identity, game_no, batch_no):
            total = totals.setdefault((redemption.identity.game_no, redemption.identity.batch_no), [0, 0])
            total[0] += 1
            total[1] += redemption.prize_fen // 100
    rows = [[game, batch, tickets, amount] for (game, batch), (tickets, amount) in sorted(totals.items())]
    return _report("进销存查询", ["方案代码", "生产批次", "兑奖张数", "兑奖金额(元)"], rows)


def balance_report(state: SandboxState, call: GatewayCall) -> Reply:
    first, last = _date_range(call.params, "beginDate", "endDate")
    station_id = call.logged_in.station_id
    balance = 0
    rows: list[list[Any]] = []
    for redemption in state.redemptions:
        if redemption.station_id != station_id:
            continue
        balance += redemption.prize_fen // 100
        if first <= beijing_date(redemption.time) <= last:
            rows.append([beijing_timestamp(redemption.time), "兑奖", redemption.prize_fen // 100, balance])
    return _report("账户查询", ["时间", "业务", "金额(元)", "余额(元)"], rows)


def trace_report(state: SandboxState, call: GatewayCall) -> Reply:
    bar_code = text_param(call.params, "barCode", max_length=128)
    ticket = state.tickets.get(bar_code)
    if ticket is None:
        return _report("彩票追踪查询", ["条码", "状态"], [[bar_code, "无此彩票信息"]])
    status = _TRACE_STATUS[ticket.outcome] if ticket.redemption is None else "已兑奖"
    redemption = ticket.redemption
    where = [redemption.station_id, beijing_timestamp(redemption.time)] if redemption else ["", ""]
    rows = [[bar_code, ticket.identity.ticket_no, ticket.game_name, status, *where]]
    return _report("彩票追踪查询", ["条码", "票号", "彩票名称", "状态", "兑奖站点", "兑奖时间"], rows)


def award_report(state: SandboxState, call: GatewayCall) -> Reply:
    first, last = _date_range(call.params, "beginTime", "endTime")
    if last - first > _LONGEST_AWARD_REPORT:
        return refusal(DETAIL_FAILED)
    game_no, batch_no = text_param(call.params, "gameNo"), text_param(call.params, "batchNo")
    rows = [[r.identity.ticket_no, r.transac_id, r.clerk_id, r.level, r.prize_fen // 100, beijing_timestamp(r.time)]
            for r in _chosen_redemptions(state, call, first, last)
            if matches_game(r.identity, game_no, batch_no)]
    return _report("兑奖明细记录查询", ["票号", "交易流水号", "操作员", "中奖等级", "奖金(元)", "兑奖时间"], rows)


_TRACE_STATUS = {"WIN": "已售", "LOSE": "已售", "UNSOLD": "未入站", "OTHER_PROVINCE": "外省票",
                 "REDEEMED": "已兑奖"}


def _chosen_redemptions(state: SandboxState, call: GatewayCall, first: date, last: date
                        ) -> Iterable[Redemption]:
    """The caller's station's redemptions on those Beijing dates, for one clerk unless isAllOperator=1."""
    session = call.logged_in
    every_clerk = str(call.params.get("isAllOperator", "0")) == "1"
    clerk_id = str(call.params.get("operatorNo") or session.clerk_id)
    for redemption in state.redemptions:
        if (redemption.station_id == session.station_id and first <= beijing_date(redemption.time) <= last
                and (every_clerk or redemption.clerk_id == clerk_id)):
            yield redemption


def _date_range(params: dict[str, Any], begin_name: str, end_name: str) -> tuple[date, date]:
    first, last = _report_date(text_param(params, begin_name)), _report_date(text_param(params, end_name))
    if last < first:
        raise BadParams()
    return first, last


def _report_date(text: str) -> date:
    """Reports take YYYY/MM/DD (§8.7); YYYY-MM-DD is accepted too."""
    for pattern in ("%Y/%m/%d", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise BadParams()


def _report(title: str, headings: Sequence[str], rows: Sequence[Sequence[Any]]) -> Reply:
    head = "".join(f"<th>{escape(str(heading))}</th>" for heading in headings)
    body = "".join("<tr>" + "".join(f"<td>{escape(str(cell))}</td>" for cell in row) + "</tr>" for row in rows)
    page = (f'<html><head><meta charset="utf-8"><title>{escape(title)}</title></head><body>'
            f"<h3>{escape(title)}</h3><table border=\"1\"><tr>{head}</tr>{body}</table></body></html>")
    return ok({"report": page})
