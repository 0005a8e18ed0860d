from tests.lottery_support import REDEEM


async def test_ip(gql, connected, sandbox):
    await sandbox.ticket("IPV6-0001")
    for ip in ["fe80::1%" + "z" * 300]:
        r = await gql.raw(REDEEM, {"input": {"barCode": "IPV6-0001", "memberId": "m1", "userRealIp": ip,
                                             "idempotencyKey": "k" + str(len(ip))}}, token=connected.operator)
        print(r.status_code, r.text[:400])
