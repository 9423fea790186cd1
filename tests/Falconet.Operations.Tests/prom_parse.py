# Parses Prometheus text exposition from stdin with the prometheus_client library's own parser and prints every
# sample as JSON: the oracle of the /metrics tests (a real parser: malformed text raises and exits non-zero).
import json
import sys

from prometheus_client.parser import text_string_to_metric_families

families = []
for family in text_string_to_metric_families(sys.stdin.read()):
    families.append({
        "name": family.name,
        "type": family.type,
        "samples": [{"name": s.name, "labels": s.labels, "value": s.value} for s in family.samples],
    })
json.dump(families, sys.stdout)
