"""What quality management adds to lower apps' pages through their hooks, one module per part (registered in
``QualityConfig.ready``, so every import still points down)."""
