"""Command line: which agency fits a resident, as JSON.

    python -m lotse.route --age 22 --status other --municipality Wedel --language ar \
        --topic family_reunification

Exit code 0 with the route, 2 with a clear error for input the rules cannot route.
"""
from __future__ import annotations

import argparse
import json
import sys
from typing import List, Optional

from lotse import content as content_module
from lotse import routing


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lotse.route", description=__doc__.split("\n")[0])
    parser.add_argument("--age", type=int, required=True)
    parser.add_argument("--status", choices=routing.STATUSES, default=None,
                        help="asylum_seeker, tolerated, protection (refugee, subsidiary or "
                             "temporary protection), other; omit when unknown")
    parser.add_argument("--municipality", required=True)
    parser.add_argument("--language", default="de", help="the resident's language code")
    parser.add_argument("--topic", default=None, help="a topic id from content/topics.yml")
    args = parser.parse_args(argv)

    content = content_module.load()
    try:
        municipality = routing.check_inputs(
            age=args.age, status=args.status, municipality=args.municipality,
            known_municipalities=content.municipality_names(), topic=args.topic,
            known_topics=list(content.topics))
        if not content.supported(args.language):
            raise routing.RoutingError(
                f"unknown language '{args.language}' "
                f"(supported: {', '.join(content.required_languages)})")
    except routing.RoutingError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    chosen = routing.route(content.agency_directory, age=args.age, status=args.status,
                           municipality=municipality, amt=content.amt_of(municipality),
                           language=args.language, topic=args.topic)
    result = chosen.as_dict()
    result["reason"] = routing.explain(chosen, content, args.language)
    if args.language != "de":
        result["reason_de"] = routing.explain(chosen, content, "de")
    print(json.dumps(result, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
