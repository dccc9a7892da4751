#!/usr/bin/env python3
"""Checks consroute's Grafana dashboards and Prometheus scrape configuration.

  (a) every dashboards/*.json against dashboards/schema/dashboard.schema.json (pip jsonschema), plus what a
      schema cannot say: unique panel ids, unique refIds within a panel, panels inside the 24-column grid and
      not overlapping, and every $variable in a query defined by the dashboard or by Grafana;
  (b) `promtool check config dashboards/prometheus.yml`, when promtool is on PATH;
  (c) with --prometheus URL: every panel target through the Prometheus HTTP API with Grafana's
      $__rate_interval, $__interval and $__range and the dashboard's variables expanded to concrete values; a
      target that fails, returns nothing, or returns only NaN is reported with its panel. By default each target
      is one instant query (/api/v1/query) at --time; with --from it is a range query (/api/v1/query_range) from
      --from to --time every --interval, as a Grafana time-series panel draws it, and a target has data when any
      point of the range has.

Exit status: 0 every check passed; 1 a check failed (each failure is printed, one per line); 2 the checker
could not run (missing jsonschema, unreadable file, Prometheus unreachable, bad arguments).

Usage:
  python3 scripts/check-dashboards.py
  python3 scripts/check-dashboards.py --prometheus http://127.0.0.1:9090 [--range 1h] [--interval 15s]
      [--from TIME [--time TIME]]
"""

import argparse
import json
import math
import pathlib
import re
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

ROOT = pathlib.Path(__file__).resolve().parent.parent
GRAFANA_VARIABLES = {
    "__rate_interval", "__interval", "__interval_ms", "__range", "__range_s", "__range_ms", "__all", "datasource",
}
VARIABLE_PATTERN = re.compile(r"\$\{(\w+)(?::[^}]*)?\}|\[\[(\w+)(?::[^\]]*)?\]\]|\$(\w+)")
DURATION_PATTERN = re.compile(r"^(\d+)(ms|s|m|h|d|w)$")
DURATION_SECONDS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


class CheckerError(Exception):
    """The checker cannot run; exit status 2."""


def duration_seconds(text):
    """An argparse type: a duration such as 15s, 5m or 1h, in seconds."""
    match = DURATION_PATTERN.match(text)
    if not match or int(match.group(1)) == 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a positive duration such as 15s, 5m or 1h")
    return int(match.group(1)) * DURATION_SECONDS[match.group(2)]


def promql_duration(value):
    """A PromQL duration for a number of seconds (whole milliseconds)."""
    milliseconds = max(1, round(value * 1000))
    return f"{milliseconds // 1000}s" if milliseconds % 1000 == 0 else f"{milliseconds}ms"


def load_json(path):
    try:
        return json.loads(path.read_text())
    except OSError as error:
        raise CheckerError(f"cannot read {path}: {error.strerror}") from error
    except json.JSONDecodeError as error:
        raise CheckerError(f"{path} is not JSON: {error}") from error


def panels_of(dashboard):
    """Every panel, including those nested in collapsed rows."""
    for panel in dashboard.get("panels", []):
        yield panel
        yield from panel.get("panels", [])


def targets_of(dashboard):
    for panel in panels_of(dashboard):
        for target in panel.get("targets", []):
            yield panel, target


def describe(name, panel, target=None):
    text = f"{name}: panel {panel.get('id', '?')} '{panel.get('title', '')}'"
    return text + (f" target {target.get('refId', '?')}" if target is not None else "")


def overlaps(name, panels):
    """Top-level panels that cover a grid cell an earlier panel covers (panels inside a collapsed row are laid
    out only when it opens, so they are not compared)."""
    problems = []
    owner = {}
    for panel in panels:
        grid = panel["gridPos"]
        columns = range(grid["x"], grid["x"] + grid["w"])
        cells = [(x, y) for y in range(grid["y"], grid["y"] + grid["h"]) for x in columns]
        taken = next((cell for cell in cells if cell in owner), None)
        if taken is not None:
            problems.append(f"{describe(name, panel)}: overlaps panel '{owner[taken]}' at x {taken[0]}, y {taken[1]}")
        owner.update({cell: panel["title"] for cell in cells if cell not in owner})
    return problems


def validate(path, dashboard, validator):
    """Schema errors and the layout and variable rules a schema cannot express."""
    name = path.name
    problems = []
    for error in sorted(validator.iter_errors(dashboard), key=lambda e: list(e.absolute_path)):
        where = "/".join(str(part) for part in error.absolute_path) or "(root)"
        message = error.message
        if error.validator == "contains":
            definition = validator.schema.get("$defs", {}).get(error.validator_value.get("$ref", "").split("/")[-1], {})
            message = "no item is " + definition.get("description", "of the required form")
        elif len(message) > 300:
            message = message[:300] + "..."
        problems.append(f"{name}: {where}: {message}")
    if problems:
        return problems
    defined = {variable["name"] for variable in dashboard["templating"]["list"]} | GRAFANA_VARIABLES
    problems += overlaps(name, dashboard["panels"])
    seen_ids = {}
    for panel in panels_of(dashboard):
        if panel["id"] in seen_ids:
            problems.append(f"{describe(name, panel)}: id {panel['id']} is also panel '{seen_ids[panel['id']]}'")
        seen_ids[panel["id"]] = panel["title"]
        grid = panel["gridPos"]
        if grid["x"] + grid["w"] > 24:
            problems.append(f"{describe(name, panel)}: gridPos x {grid['x']} + w {grid['w']} exceeds 24 columns")
        ref_ids = [target["refId"] for target in panel.get("targets", [])]
        for ref_id in sorted({r for r in ref_ids if ref_ids.count(r) > 1}):
            problems.append(f"{describe(name, panel)}: refId {ref_id} is used by more than one target")
        for target in panel.get("targets", []):
            for match in VARIABLE_PATTERN.finditer(target["expr"]):
                variable = next(group for group in match.groups() if group)
                if variable not in defined:
                    problems.append(f"{describe(name, panel, target)}: ${variable} is not a dashboard variable")
    return problems


def check_scrape_config(config):
    promtool = shutil.which("promtool")
    if promtool is None:
        print(f"promtool is not on PATH: {config.relative_to(ROOT)} was not checked (apt install prometheus)")
        return []
    result = subprocess.run([promtool, "check", "config", str(config)], capture_output=True, text=True)
    if result.returncode == 0:
        print(f"promtool: {config.relative_to(ROOT)} is valid")
        return []
    output = (result.stdout + result.stderr).strip().replace("\n", "; ")
    return [f"{config.relative_to(ROOT)}: promtool check config failed: {output}"]


class Prometheus:
    def __init__(self, url, timeout, time, start=None, step=None):
        self.url = url.rstrip("/")
        self.timeout = timeout
        self.time = time
        self.start = start
        self.step = step

    def get(self, path, parameters):
        address = f"{self.url}{path}?{urllib.parse.urlencode(parameters, doseq=True)}"
        try:
            with urllib.request.urlopen(address, timeout=self.timeout) as response:
                return json.load(response)
        except urllib.error.HTTPError as error:
            body = error.read().decode(errors="replace")
            try:
                return json.loads(body)
            except json.JSONDecodeError:
                return {"status": "error", "error": f"HTTP {error.code}: {body[:200]}"}
        except (urllib.error.URLError, OSError) as error:
            reason = getattr(error, "reason", error)
            raise CheckerError(f"cannot reach Prometheus at {self.url}: {reason}") from error

    def query(self, expr):
        """None when the query returned data, else why not."""
        parameters = {"query": expr}
        if self.start is not None:
            parameters.update(start=self.start, end=self.time if self.time is not None else f"{time.time():.3f}",
                              step=f"{self.step:g}")
            reply = self.get("/api/v1/query_range", parameters)
        else:
            if self.time is not None:
                parameters["time"] = self.time
            reply = self.get("/api/v1/query", parameters)
        if reply.get("status") != "success":
            return f"query failed ({reply.get('errorType', 'error')}): {reply.get('error', 'no reason given')}"
        data = reply["data"]
        if data["resultType"] in ("scalar", "string"):
            values = [data["result"][1]]
        else:
            values = [sample["value"][1] for sample in data["result"]] if data["resultType"] == "vector" else [
                value for series in data["result"] for _, value in series["values"]]
        if not values:
            return "no data"
        if data["resultType"] != "string" and all(math.isnan(float(value)) for value in values):
            return f"only NaN ({len(values)} series)"
        return None

    def label_values(self, metric, label):
        reply = self.get(f"/api/v1/label/{urllib.parse.quote(label)}/values", {"match[]": metric})
        return reply.get("data", []) if reply.get("status") == "success" else []


def variable_values(dashboard, prometheus, overrides):
    """A concrete value for every dashboard variable; problems for those that have none."""
    values = {}
    problems = []
    for variable in dashboard["templating"]["list"]:
        name = variable["name"]
        query = variable.get("query", "")
        query = query.get("query", "") if isinstance(query, dict) else query
        if name in overrides:
            values[name] = overrides[name]
        elif variable["type"] == "datasource":
            continue
        elif variable.get("includeAll") and variable.get("allValue"):
            values[name] = variable["allValue"]
        elif variable["type"] in ("constant", "textbox", "interval"):
            values[name] = query.split(",")[0].strip()
        elif variable["type"] == "custom":
            values[name] = "(" + "|".join(re.escape(v.strip()) for v in query.split(",") if v.strip()) + ")"
        else:
            match = re.fullmatch(r"\s*label_values\(\s*([^,]+?)\s*,\s*(\w+)\s*\)\s*", query)
            if not match:
                problems.append(f"variable ${name}: cannot expand query {query!r}; pass --var {name}=VALUE")
                continue
            found = prometheus.label_values(match.group(1), match.group(2))
            if not found:
                problems.append(f"variable ${name}: {query} returned no values")
                continue
            values[name] = "(" + "|".join(re.escape(value) for value in found) + ")"
    return values, problems


def expand(expr, values):
    def replace(match):
        name = next(group for group in match.groups() if group)
        return values.get(name, match.group(0))
    return VARIABLE_PATTERN.sub(replace, expr)


def query_targets(path, dashboard, prometheus, arguments):
    interval, scrape, window = arguments.interval, arguments.scrape_interval, arguments.range
    values, problems = variable_values(dashboard, prometheus, dict(arguments.var))
    values.update({
        "__interval": promql_duration(interval),
        "__interval_ms": str(round(interval * 1000)),
        "__rate_interval": promql_duration(max(interval + scrape, 4 * scrape)),
        "__range": promql_duration(window),
        "__range_s": str(round(window)),
        "__range_ms": str(round(window * 1000)),
    })
    problems = [f"{path.name}: {problem}" for problem in problems]
    answered = 0
    targets = list(targets_of(dashboard))
    for panel, target in targets:
        expr = expand(target["expr"], values)
        failure = prometheus.query(expr)
        if failure is None:
            answered += 1
        else:
            problems.append(f"{describe(path.name, panel, target)}: {failure}: {expr}")
    print(f"{path.name}: {answered} of {len(targets)} targets returned data from {prometheus.url}")
    return problems


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dashboards", type=pathlib.Path, default=ROOT / "dashboards",
                        help="folder of dashboard JSON files (default: dashboards/)")
    parser.add_argument("--schema", type=pathlib.Path, default=ROOT / "dashboards/schema/dashboard.schema.json")
    parser.add_argument("--prometheus-config", type=pathlib.Path, default=ROOT / "dashboards/prometheus.yml")
    parser.add_argument("--prometheus", metavar="URL", help="query every panel target on this Prometheus")
    parser.add_argument("--range", type=duration_seconds, default="1h",
                        help="$__range: the dashboard's time range (default 1h)")
    parser.add_argument("--interval", type=duration_seconds, default="15s",
                        help="$__interval: the panel's step (default 15s)")
    parser.add_argument("--scrape-interval", type=duration_seconds, default="5s",
                        help="Prometheus scrape interval (default 5s)")
    parser.add_argument("--time", help="evaluate the queries at this time (unix seconds or RFC 3339; default now)")
    parser.add_argument("--from", dest="start", metavar="TIME",
                        help="query each target over the range from this time to --time (unix seconds or RFC 3339), "
                             "one point every --interval; a target passes if any point has data")
    parser.add_argument("--timeout", type=float, default=10, help="seconds per Prometheus request")
    parser.add_argument("--var", action="append", default=[], type=lambda text: tuple(text.split("=", 1)),
                        metavar="NAME=VALUE", help="value for a dashboard variable (repeatable)")
    arguments = parser.parse_args()
    for pair in arguments.var:
        if len(pair) != 2 or not pair[0]:
            parser.error(f"--var {'='.join(pair)!r} is not NAME=VALUE")
    return arguments


def main():
    arguments = parse_arguments()
    try:
        import jsonschema
    except ImportError:
        print("error: the Python package jsonschema is missing: bash scripts/install-deps.sh --test "
              "(or python3 -m pip install jsonschema)", file=sys.stderr)
        return 2
    try:
        schema = load_json(arguments.schema)
        validator = jsonschema.Draft202012Validator(schema)
        paths = sorted(arguments.dashboards.glob("*.json"))
        if not paths:
            raise CheckerError(f"no dashboards (*.json) in {arguments.dashboards}")
        dashboards = [(path, load_json(path)) for path in paths]
        problems = []
        for path, dashboard in dashboards:
            found = validate(path, dashboard, validator)
            problems += found
            if not found:
                print(f"{path.name}: valid ({sum(1 for _ in targets_of(dashboard))} targets)")
        problems += check_scrape_config(arguments.prometheus_config)
        if arguments.prometheus and problems:
            print(f"not querying {arguments.prometheus}: fix the problems above first")
        elif arguments.prometheus:
            prometheus = Prometheus(arguments.prometheus, arguments.timeout, arguments.time, arguments.start,
                                    arguments.interval)
            for path, dashboard in dashboards:
                problems += query_targets(path, dashboard, prometheus, arguments)
    except CheckerError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    for problem in problems:
        print(f"FAIL {problem}")
    print(f"{len(problems)} problem(s)" if problems else "all checks passed")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
