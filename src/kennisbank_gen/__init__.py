"""kennisbank_gen: YAML records + quality framework -> validated model -> static site."""
