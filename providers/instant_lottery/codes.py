"""The gateway's return codes (seed 003 §5): what each means, which kind of answer it is, and why.

Three tables: the lottery system's own codes (5.1, passed through by the gateway), the gateway's system
codes (5.2) and its business codes (5.3); plus 3202 (no redemption record, §8.9) and 1101 (login success
as observed in a production client, PROTOCOLS.md §3).

Every answer is one of three kinds (issue 10), which decide what the ledger does with a redemption:
- DONE: the call did what it asked (1301/1302 redeemed the ticket: Accepted, once the prize is read).
- REFUSED: refused before anything happened (Rejected, final: the ticket's lock is released). 1307 is a
  refusal of *this* request; whether the earlier redemption it names was ours, the ledger decides.
- MAY_HAVE_HAPPENED: the ticket may have been redeemed (Unknown: the reward stays UNKNOWN, the ticket's
  lock held, until syncReward submits it again or reads the gateway's record). So is every code the seed
  does not list: nothing then tells that nothing happened.

`retry_safe` answers: may the very same request (same `transacId`) be sent again, with a chance that it
passes later? Only refusals can be; a code that may have redeemed never is (sending it again could hide
the first redemption: the way to learn what happened is a new transacId, whose 1307 names the first).
`relogin`: the session is gone (§3.3, §8); drop the token, log in again and send the same request once more.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class AnswerKind(StrEnum):
    DONE = "done"  # the call did it (a redemption: Accepted with the prize)
    REFUSED = "refused"  # refused before anything happened: Rejected, final, the ticket released
    MAY_HAVE_HAPPENED = "may_have_happened"  # Unknown: the ticket held until syncReward settles it


DONE, REFUSED, MAY = AnswerKind.DONE, AnswerKind.REFUSED, AnswerKind.MAY_HAVE_HAPPENED


@dataclass(frozen=True)
class CodeInfo:
    code: str
    table: str  # "lottery" (5.1), "system" (5.2), "business" (5.3) or "unknown"
    meaning_zh: str
    meaning_en: str
    retry_safe: bool
    relogin: bool
    kind: AnswerKind
    reason: str  # why an answer with this code is of that kind


# seed §8 names 1021, 27 and 28; 16, 17 and 1016 refuse a token just the same (a missing, invalid or
# unauthenticated session), before any business processing.
RELOGIN_CODES = frozenset({"1021", "27", "28", "16", "17", "1016"})
SUCCESS_CODES = frozenset({"10000", "1101"})
REDEEMED = frozenset({"1301", "1302"})
ALREADY_REDEEMED = "1307"
NOT_WINNING = "1305"
OVER_LIMIT = "1304"
NO_REDEMPTION_RECORD = "3202"

# Reasons shared by many codes.
_SESSION = "the session was refused (§3.3, §8) before any business processing; safe once logged in again"
_ENVELOPE = "a common parameter (§3) is missing or wrong; it is checked before the business parameters are read"
_LOGIN = "the station, clerk or terminal is refused at login or authorisation, before any business processing"
_TICKET = "a fact about the ticket found before it is redeemed: the redemption is refused, not attempted"
_FORBIDDEN = "a prohibition the lottery system checks before it acts on the ticket"
_SETUP = "the lottery system lacks what it needs to start (a game, a station, a policy): nothing was done"
_UNREADABLE = "the request could not be read, so it was not processed"
_MANUAL = "a check of manual entry (type 1704) made before redeeming"
_RISK = "the risk service (§6) refuses before redeeming, without using the transacId; a later attempt may pass"
_QUERY = "a read-only query: repeating it cannot redeem anything"
_INTERNAL = ("an internal failure while the request was processed; the seed does not say at which step, so the "
             "ticket may have been redeemed before it")
_SAME_TRANSAC_ID = "this transacId was used before: that earlier request may have redeemed the ticket"
_UNKNOWN = "a code the seed does not list: nothing tells that nothing happened"

# (code, zh, en, kind, retry_safe, reason)
Row = tuple[str, str, str, AnswerKind, bool, str]

_LOTTERY: list[Row] = [
    ("1001", "服务器内部错误", "internal server error", MAY, False, _INTERNAL),
    ("1002", "通信错误(连接交易服务器失败)", "communication error (could not reach the trade server)", MAY, False,
     "the link to the trade server failed, but the gateway cannot tell whether the trade server had committed first"),
    ("1003", "数据格式错误", "malformed data", REFUSED, False, _UNREADABLE),
    ("1004", "协议错误", "protocol error", REFUSED, False, _UNREADABLE),
    ("1005", "稍后再试", "try again later", REFUSED, True, "the station is busy with another call (§7): refused, "
     "not queued"),
    ("1006", "没有此操作员", "no such clerk", REFUSED, False, _LOGIN),
    ("1007", "操作员口令错误", "wrong clerk password", REFUSED, False, _LOGIN),
    ("1008", "暂停交易", "trading suspended", REFUSED, True, "trading is paused: refused before the ticket is read"),
    ("1009", "超过交易时间", "outside trading hours", REFUSED, True, "outside trading hours: refused before the "
     "ticket is read"),
    ("1010", "操作员没有此权限", "clerk lacks this permission", REFUSED, False, _LOGIN),
    ("1011", "错误的硬件序列号", "wrong hardware serial number", REFUSED, False, _LOGIN),
    ("1012", "错误的软件版本号", "wrong software version", REFUSED, False, _LOGIN),
    ("1013", "没有此终端", "no such terminal (station)", REFUSED, False, _LOGIN),
    ("1014", "终端已经登录", "terminal already logged in", REFUSED, False, _LOGIN),
    ("1015", "错误的终端类型", "wrong terminal type", REFUSED, False, _LOGIN),
    ("1016", "必须先登录认证", "must log in first", REFUSED, True, _SESSION),
    ("1017", "此硬件序列号已经被绑定了", "this station is bound to another hardware serial number", REFUSED, False,
     _LOGIN),
    ("1018", "错误的终端状态", "wrong terminal state", REFUSED, False, _LOGIN),
    ("1019", "终端被停止了", "terminal stopped", REFUSED, False, _LOGIN),
    ("1020", "投注机IP地址错误", "wrong terminal IP address", REFUSED, False, _LOGIN),
    ("1021", "不允许一号多机", "session replaced by a newer login of this station", REFUSED, True, _SESSION),
    ("1022", "站点编号与终端物理编号不匹配", "station id does not match the terminal", REFUSED, False, _LOGIN),
    ("1023", "创建目录失败", "could not create a directory", MAY, False, _INTERNAL),
    ("1024", "打开文件失败", "could not open a file", MAY, False, _INTERNAL),
    ("1025", "更新彩票状态失败", "could not update the ticket status", MAY, False,
     "the ticket's status update failed part-way: it may have been written, or written in part"),
    ("1026", "文件异常", "file error", MAY, False, _INTERNAL),
    ("1027", "未知彩票状态", "unknown ticket status", MAY, False,
     "the ticket is in a state the system cannot name, as after a status update that failed part-way (1025)"),
    ("1028", "系统没有该玩法信息", "game unknown to the system", REFUSED, False, _SETUP),
    ("1029", "系统没有对该玩法授权", "game not authorised", REFUSED, False, _SETUP),
    ("1030", "系统没有该站点的信息", "station unknown to the system", REFUSED, False, _SETUP),
    ("1031", "系统没有政策参数", "no policy parameters", REFUSED, False, _SETUP),
    ("1032", "错误包装类型", "wrong packaging type", REFUSED, False, _TICKET),
    ("1033", "获得站点余额失败", "could not read the station balance", MAY, False,
     "the station balance is read for the answer (1301 carries it), so after the ticket may have been redeemed"),
    ("1034", "禁止彩票入站", "tickets may not enter the station", REFUSED, False, _FORBIDDEN),
    ("1035", "禁止彩票出站", "tickets may not leave the station", REFUSED, False, _FORBIDDEN),
    ("1036", "禁止扫描销售", "scan-to-sell forbidden", REFUSED, False, _FORBIDDEN),
    ("1037", "禁止顾客退票", "customer returns forbidden", REFUSED, False, _FORBIDDEN),
    ("1038", "禁止库存盘点", "stock-taking forbidden", REFUSED, False, _FORBIDDEN),
    ("1039", "禁止兑奖", "redemption forbidden", REFUSED, False, _FORBIDDEN),
    ("1040", "超过销售期限", "past the sales deadline", REFUSED, False, _TICKET),
    ("1041", "超过兑奖期限", "past the redemption deadline", REFUSED, False, _TICKET),
    ("1042", "异常彩票,禁止操作", "abnormal ticket, operation forbidden", REFUSED, False, _TICKET),
    ("1043", "连接数据库失败", "could not connect to the database", MAY, False,
     "a database connection failed; the seed does not say it was the first one, so an earlier write may stand"),
    ("1044", "操作数据库失败", "database operation failed", MAY, False,
     "a database operation failed; the seed does not say which, so the redemption's own write may stand"),
    ("1101", "登录成功", "login succeeded (as observed in a production client)", DONE, False,
     "login success as a production client reads it (PROTOCOLS.md §3)"),
    ("1104", "认证失败,用户名或密码错误", "authentication failed: wrong user name or password", REFUSED, False, _LOGIN),
    ("1301", "兑奖成功,并返回该票的中奖等级和中奖金额", "redeemed; the prize level and amount are returned", DONE,
     False, "redeemed by this request (§8.4); the answer carries the prize"),
    ("1302", "兑奖成功,但该票尚未经过扫描销售", "redeemed, but the ticket was never scanned as sold", DONE, False,
     "redeemed by this request (§8.4); the answer carries the prize"),
    ("1303", "兑奖失败,该票尚未经过入站或为外省票", "not redeemed: ticket not in a station, or from another province",
     REFUSED, False, _TICKET),
    ("1304", "兑奖失败,超过兑奖上限", "not redeemed: prize above the station's redemption limit", REFUSED, False,
     "the prize is above the station's limit (§8.4): a station cannot redeem it at all"),
    ("1305", "兑奖失败,此票未中奖", "not redeemed: not a winning ticket", REFUSED, False,
     "a losing ticket: there is nothing to redeem (NOT_WON)"),
    ("1306", "兑奖失败,中奖信息不正确", "not redeemed: winning data incorrect", REFUSED, False, _TICKET),
    ("1307", "兑奖失败,该票已经兑过奖", "not redeemed: ticket already redeemed", REFUSED, False,
     "this request redeemed nothing; transacIdOrg names the transaction that did (§8.4), which the ledger "
     "recognises as its own or not"),
    ("1308", "兑奖失败,没有此奖级的中奖金额", "not redeemed: no prize amount for this level", REFUSED, False, _TICKET),
    ("1309", "兑奖失败,没有中奖数据", "not redeemed: no winning data", REFUSED, False, _TICKET),
    ("1310", "兑奖失败,此票还未兑奖", "ticket not redeemed yet", REFUSED, False, "says the ticket has no redemption"),
    ("1311", "兑奖失败,该票尚未经过扫描销售", "not redeemed: ticket never scanned as sold", REFUSED, False, _TICKET),
    ("1312", "兑奖失败,不同分销商下的站点不能通兑", "not redeemed: stations of different distributors cannot redeem "
     "each other's tickets", REFUSED, False, _TICKET),
    ("1313", "兑奖失败,请到中心兑奖", "not redeemed: redeem at the lottery centre", REFUSED, False, _TICKET),
    ("1314", "兑奖失败,该奖组已暂停兑奖", "not redeemed: redemption of this prize group is suspended", REFUSED, False,
     _FORBIDDEN),
    ("1315", "兑奖失败,未开奖", "not redeemed: not drawn yet", REFUSED, False, _TICKET),
    ("1316", "兑奖失败,非本省票", "not redeemed: ticket from another province", REFUSED, False, _TICKET),
    ("3202", "无兑奖记录", "no redemption record for this ticket", REFUSED, False,
     "getPrize's answer (§8.9): the ticket has no redemption, so none of its attempts redeemed it"),
    ("8001", "兑奖失败,无法查询彩票所属省份", "not redeemed: the ticket's province cannot be found", REFUSED, False,
     _TICKET),
    ("8002", "兑奖失败,没有MIS服务器信息", "not redeemed: no MIS server information", REFUSED, False, _SETUP),
    ("8003", "兑奖失败,系统现在仅支持站点跨省兑奖", "not redeemed: cross-province redemption is for stations only",
     REFUSED, False, _FORBIDDEN),
    ("8004", "兑奖失败(跨省兑奖)", "not redeemed (cross-province redemption)", MAY, False,
     "the other province's system failed without a reason; like 1002, a remote call can fail after it committed"),
    ("8005", "兑奖失败,没有建立结算关系", "not redeemed: no settlement relationship", REFUSED, False, _SETUP),
    ("8006", "兑奖失败,此票已兑过奖(本省)", "not redeemed: already redeemed (this province)", REFUSED, False,
     "this request redeemed nothing; the earlier redemption is named by no transacId, so sync asks getPrize"),
    ("8007", "兑奖失败,此票已兑过奖(他省)", "not redeemed: already redeemed (another province)", REFUSED, False,
     "this request redeemed nothing: the ticket was redeemed in another province"),
]

_SYSTEM: list[Row] = [
    ("1", "服务不可用", "service unavailable", MAY, False,
     "the seed: \"mostly caused by unknown exceptions\", which may come after the ticket was redeemed"),
    ("2", "限制时间内调用失败次数", "too many failed calls in the period", REFUSED, True,
     "refused before processing; the seed says to call again the next day"),
    ("3", "请求被禁止", "request forbidden", REFUSED, False, _ENVELOPE),
    ("4", "缺少版本参数", "missing version parameter v", REFUSED, False, _ENVELOPE),
    ("5", "不支持的版本号", "unsupported version", REFUSED, False, _ENVELOPE),
    ("6", "非法的版本参数", "invalid version parameter", REFUSED, False, _ENVELOPE),
    ("7", "缺少时间戳参数", "missing timestamp", REFUSED, False, _ENVELOPE),
    ("8", "非法的时间戳参数", "invalid timestamp or outside the 30-minute window", REFUSED, True,
     _ENVELOPE + "; safe once signed again with a fresh timestamp"),
    ("9", "缺少应用Id参数", "missing application id", REFUSED, False, _ENVELOPE),
    ("10", "无效的应用Id参数", "invalid application id", REFUSED, False, _ENVELOPE),
    ("11", "缺少签名参数", "missing signature", REFUSED, False, _ENVELOPE),
    ("12", "无效签名", "invalid signature", REFUSED, False, _ENVELOPE),
    ("13", "无效数据格式", "invalid data format", REFUSED, False, "param_json could not be read, so it was not "
     "processed"),
    ("14", "缺少流水号参数", "missing transaction serial number", REFUSED, False, "no transacId: the request is "
     "refused before it is processed"),
    ("15", "流水号已经存在", "transaction serial number already exists", MAY, False, _SAME_TRANSAC_ID),
    ("16", "缺少access_token参数", "missing access_token", REFUSED, True, _SESSION),
    ("17", "无效access_token", "invalid access_token", REFUSED, True, _SESSION),
    ("18", "缺少app_key参数", "missing app_key", REFUSED, False, _ENVELOPE),
    ("19", "无效app_key", "invalid app_key", REFUSED, False, _ENVELOPE),
    ("20", "app_key不正确", "wrong app_key", REFUSED, False, _ENVELOPE),
    ("21", "app_secret不正确", "wrong app_secret", REFUSED, False, _ENVELOPE),
    ("22", "app_key不能为空", "app_key must not be empty", REFUSED, False, _ENVELOPE),
    ("23", "app_secret不能为空", "app_secret must not be empty", REFUSED, False, _ENVELOPE),
    ("24", "用户名密码错误", "wrong user name or password", REFUSED, False, _LOGIN),
    ("25", "password值为空", "password is empty", REFUSED, False, _LOGIN),
    ("26", "username值为空", "username is empty", REFUSED, False, _LOGIN),
    ("27", "token过期", "token expired", REFUSED, True, _SESSION),
    ("28", "token不存在", "token does not exist", REFUSED, True, _SESSION),
    ("29", "该API已经停用", "API temporarily disabled", REFUSED, True,
     "the seed: closed during an upgrade, open again afterwards; refused before processing"),
    ("30", "无权调用API", "not allowed to call this API", REFUSED, False, _ENVELOPE),
    ("31", "此应用不是上线状态", "application is not live", REFUSED, False, _ENVELOPE),
    ("32", "系统处理错误", "system processing error", MAY, False,
     "a failure while processing: the seed does not say at which step"),
]

_BUSINESS: list[Row] = [
    ("10000", "成功", "success", DONE, False, "the call succeeded (§5.3)"),
    ("10008", "修改密码失败", "password change failed", REFUSED, False, "the password was not changed"),
    ("10023", "只有非G开头的条码才有手工兑奖功能", "manual redemption only for bar codes not starting with G", REFUSED,
     False, _MANUAL),
    ("10024", "手工兑奖需要输入验证码", "manual redemption needs a verification code", REFUSED, False, _MANUAL),
    ("10025", "站点兑奖(手工),验证码长度有误", "manual redemption: wrong verification code length", REFUSED, False,
     _MANUAL),
    ("10026", "站点兑奖(二次开奖手工),验证码长度有误", "manual second-draw redemption: wrong verification code length",
     REFUSED, False, _MANUAL),
    ("10027", "手工兑奖验证码需为13或14位数字", "manual verification code must be 13 or 14 digits", REFUSED, False,
     _MANUAL),
    ("10028", "手工兑奖验证码验证不通过", "manual verification code rejected", REFUSED, False, _MANUAL),
    ("10029", "交易流水号不匹配", "transaction serial number mismatch", MAY, False,
     "the seed does not say when; a mismatch is found by comparing an answer with the request, after processing"),
    ("10030", "交易流水号重复", "duplicate transaction serial number", MAY, False, _SAME_TRANSAC_ID),
    ("10031", "兑奖服务不可用", "redemption service unavailable", REFUSED, True, _RISK),
    ("10032", "兑奖不在服务时间段", "outside redemption service hours", REFUSED, True, _RISK),
    ("10033", "兑奖操作过于频繁", "redemptions too frequent", REFUSED, True, _RISK),
    ("10034", "当日异常兑奖次数超限", "too many failed redemptions today", REFUSED, True, _RISK),
    ("10035", "当日允许兑奖张数超限", "daily ticket count reached", REFUSED, True, _RISK),
    ("10036", "当日允许兑奖金额超限", "daily prize amount reached", REFUSED, True, _RISK),
    # Lifting a blacklisting takes an administrator, not a retry.
    ("10037", "该用户处于系统黑名单中,请联系管理员", "user is blacklisted; contact the administrator", REFUSED, False,
     "the risk service (§6) refuses a blacklisted user before redeeming"),
    ("10038", "兑奖统计查询失败", "redemption summary query failed", REFUSED, True, _QUERY),
    ("10039", "兑奖明细查询失败", "redemption detail query failed", REFUSED, True, _QUERY),
]


def _build_table() -> dict[str, CodeInfo]:
    table: dict[str, CodeInfo] = {}
    for name, rows in (("lottery", _LOTTERY), ("system", _SYSTEM), ("business", _BUSINESS)):
        for code, zh, en, kind, retry_safe, reason in rows:
            table[code] = CodeInfo(code=code, table=name, meaning_zh=zh, meaning_en=en, retry_safe=retry_safe,
                                   relogin=code in RELOGIN_CODES, kind=kind, reason=reason)
    return table


CODES: dict[str, CodeInfo] = _build_table()


def describe(code: str) -> CodeInfo:
    """What a `ret` means; a code missing from the seed's tables may have happened and is never retry-safe."""
    code = str(code).strip()
    known = CODES.get(code)
    if known is not None:
        return known
    return CodeInfo(code=code, table="unknown", meaning_zh="未知错误码", meaning_en=f"unknown code {code}",
                    retry_safe=False, relogin=False, kind=MAY, reason=_UNKNOWN)


def is_success(code: str) -> bool:
    return str(code).strip() in SUCCESS_CODES
