"""Adapter and sandbox for the Allinpay (通联) open gateway's coupon issue, couponSend (seed 002)."""
