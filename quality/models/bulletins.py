"""Quality bulletins 质量通报 and each recipient's read receipt."""
