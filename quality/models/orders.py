"""Rectification orders 质量整改令 (四不放过) and their links to recalls, lots, Returns and service cases."""
