"""Households (一户一档, D1–D3): unit code, building and floor, label, occupants history."""
