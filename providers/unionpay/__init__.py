"""UnionPay Cloud QuickPass applet backend (云闪付小程序): draw by qualification, `qual.reduce` (seed 000)."""
