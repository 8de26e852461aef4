"""The monthly 10 % audit 每月抽查: the drawn samples and their reviews against the checklist."""
