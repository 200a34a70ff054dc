"""kennisbank_gen: YAML records + quality framework -> validated model -> Material for MkDocs site."""
