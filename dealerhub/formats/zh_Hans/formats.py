"""Chinese number formats: thousands grouped with commas, as Chinese business text writes them.

Django's own zh_Hans formats leave the thousands separator empty, which printed 97800 beside the
English 97,800; everything not set here comes from Django's zh_Hans module.
"""

DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
