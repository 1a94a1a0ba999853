"""The retention schedule (保管期限表, R1): category → retention class, years per class."""
