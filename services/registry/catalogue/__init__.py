"""The catalogue (档案目录, D4–D9): one record per document, archive numbers, corrections."""
