#!/usr/bin/env python3
"""Hold one trace of several scenario workloads to each one's expectations.

usage: check_scenarios.py MODE TRACE.json NAME=EXPECT ... [--no-read] [--loose-evidence]

For each scenario NAME whose expectations (the workload's stdout, in
attach mode only what it printed after its sync point) are in EXPECT, with
tests/expect.py and tests/warnings.py themselves, in one process (the VM
tier's judges run them for 13 scenarios in 3 backends and 2 modes):
  - its records in order, and exactly as many epoll_ctl and epoll_wait
    records for its pid as it made calls (expect.py --exact);
  - exactly its warnings among its pid's (warnings.py --pid, passing
    --no-read and --loose-evidence on).
Prints "ok: MODE NAME" or why not, per scenario; exits 1 if any failed,
naming them.
"""
import importlib.util
import json
import os
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


def checker(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


expect = checker("et_expect", os.path.join(HERE, "..", "expect.py"))
warnings_py = checker("et_warnings", os.path.join(HERE, "..", "warnings.py"))


def passes(mod, args):
    """A checker's verdict: its main() ends in sys.exit on failure."""
    try:
        mod.main(args)
    except SystemExit as e:
        if e.code in (0, None):
            return True
        if isinstance(e.code, str):
            print(e.code)
        return False
    return True


def main():
    args = sys.argv[1:]
    no_read = [a for a in args if a in ("--no-read", "--loose-evidence")]
    args = [a for a in args if a not in ("--no-read", "--loose-evidence")]
    if len(args) < 3:
        sys.exit(__doc__)
    mode, trace, failed = args[0], args[1], []
    tmp = tempfile.mkdtemp()
    for pair in args[2:]:
        name, _, exp = pair.partition("=")
        lines = [l for l in open(exp) if l.startswith("{")]
        if not lines:
            print(f"{mode} {name}: the workload printed no expectations")
            failed.append(name)
            continue
        pid = json.loads(lines[0])["pid"]
        records = os.path.join(tmp, name + ".records")
        with open(records, "w") as f:
            # Verdicts are matched apart (warnings.py): which thread says
            # them, and where in the stream, is the tracer's choice.
            f.writelines(l for l in lines if not any(
                f'"event":"{v}"' in l for v in ("warning", "retracted", "note")))
        ok = passes(expect, [trace, records, "--exact", "epoll_ctl", "epoll_wait"])
        if not ok:
            print(f"{mode} {name}: its calls are not traced as made")
        elif not passes(warnings_py, [trace, exp, "--pid", str(pid)] + no_read):
            print(f"{mode} {name}: wrong warnings")
            ok = False
        if ok:
            print(f"ok: {mode} {name}")
        else:
            failed.append(name)
        sys.stdout.flush()
    if failed:
        print(f"{mode}: failed:", " ".join(failed))
        sys.exit(1)


main()
