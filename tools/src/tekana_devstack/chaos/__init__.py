"""``./taskw chaos``: faults under a steady transfer load, then proof that no money was lost,
doubled or left pending."""
