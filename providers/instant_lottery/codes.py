"""The gateway's return codes (seed 003 §5): what each means and what a client may do about it.

Three tables: the lottery system's own codes (5.1, passed through by the gateway), the gateway's system
codes (5.2) and its business codes (5.3); plus 3202 (no redemption record, §8.9) and 1101 (login success
as observed in a production client, PROTOCOLS.md §3).

`retry_safe` answers one question: may the very same request (same `transacId`) be sent again without
risking a second redemption or hiding a first one? It is True only for refusals that happen before any
business processing and that a later attempt can get past (a busy station, an expired session, a risk
window). Everything that may have happened after the lottery system was reached, and every definite
answer about the ticket, is False: the way to learn what happened then is a new thirdAward for the same
ticket, whose `1307` + `transacIdOrg` names the first successful transaction (seed §8.4).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CodeInfo:
    code: str
    table: str
    meaning_zh: str
    meaning_en: str
    retry_safe: bool
    relogin: bool


RELOGIN_CODES = frozenset({"1021", "27", "28"})  # seed §8: the session is gone, log in again
SUCCESS_CODES = frozenset({"10000", "1101"})
REDEEMED = frozenset({"1301", "1302"})
ALREADY_REDEEMED = "1307"
NOT_WINNING = "1305"
OVER_LIMIT = "1304"
NO_REDEMPTION_RECORD = "3202"

# (code, zh, en, retry_safe); the why of each True is in its comment.
_LOTTERY: list[tuple[str, str, str, bool]] = [
    ("1001", "服务器内部错误", "internal server error", False),
    # The gateway says "connecting failed", but it cannot tell us whether the trade server had already
    # committed before the link broke; treat it like a lost answer.
    ("1002", "通信错误(连接交易服务器失败)", "communication error (could not reach the trade server)", False),
    ("1003", "数据格式错误", "malformed data", False),
    ("1004", "协议错误", "protocol error", False),
    # The station is busy with another call (§7: one call at a time per station); nothing was processed.
    ("1005", "稍后再试", "try again later", True),
    ("1006", "没有此操作员", "no such clerk", False),
    ("1007", "操作员口令错误", "wrong clerk password", False),
    # Trading paused / outside trading hours: refused before the ticket is looked at; later works.
    ("1008", "暂停交易", "trading suspended", True),
    ("1009", "超过交易时间", "outside trading hours", True),
    ("1010", "操作员没有此权限", "clerk lacks this permission", False),
    ("1011", "错误的硬件序列号", "wrong hardware serial number", False),
    ("1012", "错误的软件版本号", "wrong software version", False),
    ("1013", "没有此终端", "no such terminal (station)", False),
    ("1014", "终端已经登录", "terminal already logged in", False),
    ("1015", "错误的终端类型", "wrong terminal type", False),
    # A session refusal, before any business processing; safe once logged in again.
    ("1016", "必须先登录认证", "must log in first", True),
    ("1017", "此硬件序列号已经被绑定了", "this station is bound to another hardware serial number", False),
    ("1018", "错误的终端状态", "wrong terminal state", False),
    ("1019", "终端被停止了", "terminal stopped", False),
    ("1020", "投注机IP地址错误", "wrong terminal IP address", False),
    # Another program logged in as this station; the token was refused before any processing.
    ("1021", "不允许一号多机", "session replaced by a newer login of this station", True),
    ("1022", "站点编号与终端物理编号不匹配", "station id does not match the terminal", False),
    ("1023", "创建目录失败", "could not create a directory", False),
    ("1024", "打开文件失败", "could not open a file", False),
    ("1025", "更新彩票状态失败", "could not update the ticket status", False),
    ("1026", "文件异常", "file error", False),
    ("1027", "未知彩票状态", "unknown ticket status", False),
    ("1028", "系统没有该玩法信息", "game unknown to the system", False),
    ("1029", "系统没有对该玩法授权", "game not authorised", False),
    ("1030", "系统没有该站点的信息", "station unknown to the system", False),
    ("1031", "系统没有政策参数", "no policy parameters", False),
    ("1032", "错误包装类型", "wrong packaging type", False),
    ("1033", "获得站点余额失败", "could not read the station balance", False),
    ("1034", "禁止彩票入站", "tickets may not enter the station", False),
    ("1035", "禁止彩票出站", "tickets may not leave the station", False),
    ("1036", "禁止扫描销售", "scan-to-sell forbidden", False),
    ("1037", "禁止顾客退票", "customer returns forbidden", False),
    ("1038", "禁止库存盘点", "stock-taking forbidden", False),
    ("1039", "禁止兑奖", "redemption forbidden", False),
    ("1040", "超过销售期限", "past the sales deadline", False),
    ("1041", "超过兑奖期限", "past the redemption deadline", False),
    ("1042", "异常彩票,禁止操作", "abnormal ticket, operation forbidden", False),
    ("1043", "连接数据库失败", "could not connect to the database", False),
    ("1044", "操作数据库失败", "database operation failed", False),
    ("1101", "登录成功", "login succeeded (as observed in a production client)", False),
    ("1104", "认证失败,用户名或密码错误", "authentication failed: wrong user name or password", False),
    ("1301", "兑奖成功,并返回该票的中奖等级和中奖金额", "redeemed; the prize level and amount are returned", False),
    ("1302", "兑奖成功,但该票尚未经过扫描销售", "redeemed, but the ticket was never scanned as sold", False),
    ("1303", "兑奖失败,该票尚未经过入站或为外省票", "not redeemed: ticket not in a station, or from another province",
     False),
    ("1304", "兑奖失败,超过兑奖上限", "not redeemed: prize above the station's redemption limit", False),
    ("1305", "兑奖失败,此票未中奖", "not redeemed: not a winning ticket", False),
    ("1306", "兑奖失败,中奖信息不正确", "not redeemed: winning data incorrect", False),
    ("1307", "兑奖失败,该票已经兑过奖", "not redeemed: ticket already redeemed", False),
    ("1308", "兑奖失败,没有此奖级的中奖金额", "not redeemed: no prize amount for this level", False),
    ("1309", "兑奖失败,没有中奖数据", "not redeemed: no winning data", False),
    ("1310", "兑奖失败,此票还未兑奖", "ticket not redeemed yet", False),
    ("1311", "兑奖失败,该票尚未经过扫描销售", "not redeemed: ticket never scanned as sold", False),
    ("1312", "兑奖失败,不同分销商下的站点不能通兑", "not redeemed: stations of different distributors cannot redeem "
     "each other's tickets", False),
    ("1313", "兑奖失败,请到中心兑奖", "not redeemed: redeem at the lottery centre", False),
    ("1314", "兑奖失败,该奖组已暂停兑奖", "not redeemed: redemption of this prize group is suspended", False),
    ("1315", "兑奖失败,未开奖", "not redeemed: not drawn yet", False),
    ("1316", "兑奖失败,非本省票", "not redeemed: ticket from another province", False),
    ("3202", "无兑奖记录", "no redemption record for this ticket", False),
    ("8001", "兑奖失败,无法查询彩票所属省份", "not redeemed: the ticket's province cannot be found", False),
    ("8002", "兑奖失败,没有MIS服务器信息", "not redeemed: no MIS server information", False),
    ("8003", "兑奖失败,系统现在仅支持站点跨省兑奖", "not redeemed: cross-province redemption is for stations only",
     False),
    ("8004", "兑奖失败(跨省兑奖)", "not redeemed (cross-province redemption)", False),
    ("8005", "兑奖失败,没有建立结算关系", "not redeemed: no settlement relationship", False),
    ("8006", "兑奖失败,此票已兑过奖(本省)", "not redeemed: already redeemed (this province)", False),
    ("8007", "兑奖失败,此票已兑过奖(他省)", "not redeemed: already redeemed (another province)", False),
]

_SYSTEM: list[tuple[str, str, str, bool]] = [
    # "Mostly unknown exceptions" (seed): the request may have been processed.
    ("1", "服务不可用", "service unavailable", False),
    # Refused before processing; the seed says to try again the next day.
    ("2", "限制时间内调用失败次数", "too many failed calls in the period", True),
    ("3", "请求被禁止", "request forbidden", False),
    ("4", "缺少版本参数", "missing version parameter v", False),
    ("5", "不支持的版本号", "unsupported version", False),
    ("6", "非法的版本参数", "invalid version parameter", False),
    ("7", "缺少时间戳参数", "missing timestamp", False),
    # Refused before processing; safe once re-signed with a fresh timestamp.
    ("8", "非法的时间戳参数", "invalid timestamp or outside the 30-minute window", True),
    ("9", "缺少应用Id参数", "missing application id", False),
    ("10", "无效的应用Id参数", "invalid application id", False),
    ("11", "缺少签名参数", "missing signature", False),
    # Our key or encoding is wrong (or the request was altered); the same bytes fail the same way.
    ("12", "无效签名", "invalid signature", False),
    ("13", "无效数据格式", "invalid data format", False),
    ("14", "缺少流水号参数", "missing transaction serial number", False),
    # The key was seen before: the earlier attempt may have redeemed, so repeating would hide it.
    ("15", "流水号已经存在", "transaction serial number already exists", False),
    ("16", "缺少access_token参数", "missing access_token", False),
    # Refused at the session check, before processing; safe after logging in again.
    ("17", "无效access_token", "invalid access_token", True),
    ("18", "缺少app_key参数", "missing app_key", False),
    ("19", "无效app_key", "invalid app_key", False),
    ("20", "app_key不正确", "wrong app_key", False),
    ("21", "app_secret不正确", "wrong app_secret", False),
    ("22", "app_key不能为空", "app_key must not be empty", False),
    ("23", "app_secret不能为空", "app_secret must not be empty", False),
    ("24", "用户名密码错误", "wrong user name or password", False),
    ("25", "password值为空", "password is empty", False),
    ("26", "username值为空", "username is empty", False),
    # Session refusals before processing (seed §8); safe after logging in again.
    ("27", "token过期", "token expired", True),
    ("28", "token不存在", "token does not exist", True),
    # "Closed during an upgrade, open again afterwards" (seed): refused before processing.
    ("29", "该API已经停用", "API temporarily disabled", True),
    ("30", "无权调用API", "not allowed to call this API", False),
    ("31", "此应用不是上线状态", "application is not live", False),
    ("32", "系统处理错误", "system processing error", False),
]

_BUSINESS: list[tuple[str, str, str, bool]] = [
    ("10000", "成功", "success", False),
    ("10008", "修改密码失败", "password change failed", False),
    ("10023", "只有非G开头的条码才有手工兑奖功能", "manual redemption only for bar codes not starting with G", False),
    ("10024", "手工兑奖需要输入验证码", "manual redemption needs a verification code", False),
    ("10025", "站点兑奖(手工),验证码长度有误", "manual redemption: wrong verification code length", False),
    ("10026", "站点兑奖(二次开奖手工),验证码长度有误", "manual second-draw redemption: wrong verification code length",
     False),
    ("10027", "手工兑奖验证码需为13或14位数字", "manual verification code must be 13 or 14 digits", False),
    ("10028", "手工兑奖验证码验证不通过", "manual verification code rejected", False),
    ("10029", "交易流水号不匹配", "transaction serial number mismatch", False),
    # The transacId was used before, so the earlier attempt may have redeemed.
    ("10030", "交易流水号重复", "duplicate transaction serial number", False),
    # The gateway's risk service (seed §6) refuses these before redeeming and without using the transacId;
    # a later attempt (after the pause, in service hours, after the interval, the next day) may pass.
    ("10031", "兑奖服务不可用", "redemption service unavailable", True),
    ("10032", "兑奖不在服务时间段", "outside redemption service hours", True),
    ("10033", "兑奖操作过于频繁", "redemptions too frequent", True),
    ("10034", "当日异常兑奖次数超限", "too many failed redemptions today", True),
    ("10035", "当日允许兑奖张数超限", "daily ticket count reached", True),
    ("10036", "当日允许兑奖金额超限", "daily prize amount reached", True),
    # Lifting a blacklisting takes an administrator, not a retry.
    ("10037", "该用户处于系统黑名单中,请联系管理员", "user is blacklisted; contact the administrator", False),
    # Read-only queries: repeating them cannot redeem anything.
    ("10038", "兑奖统计查询失败", "redemption summary query failed", True),
    ("10039", "兑奖明细查询失败", "redemption detail query failed", True),
]


def _build_table() -> dict[str, CodeInfo]:
    table: dict[str, CodeInfo] = {}
    for name, rows in (("lottery", _LOTTERY), ("system", _SYSTEM), ("business", _BUSINESS)):
        for code, zh, en, retry_safe in rows:
            table[code] = CodeInfo(code=code, table=name, meaning_zh=zh, meaning_en=en, retry_safe=retry_safe,
                                   relogin=code in RELOGIN_CODES)
    return table


CODES: dict[str, CodeInfo] = _build_table()


def describe(code: str) -> CodeInfo:
    """What a `ret` means; a code missing from the seed's tables is "unknown" and never retry-safe."""
    code = str(code).strip()
    known = CODES.get(code)
    if known is not None:
        return known
    return CodeInfo(code=code, table="unknown", meaning_zh="未知错误码", meaning_en=f"unknown code {code}",
                    retry_safe=False, relogin=False)


def is_success(code: str) -> bool:
    return str(code).strip() in SUCCESS_CODES
