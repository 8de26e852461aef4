"""Run today's counterparts of the tests collected at 88eb11b, the commit before issue 12 (`make bench-same-tests`).

The suite has more than doubled since issue 12 was filed, so the whole suite's wall time no longer says whether the
suite got faster. This runs the same tests: `bench/suite/ids_88eb11b.txt` is `pytest --collect-only -q -p no:randomly`
at 88eb11b (1,560 ids). Each id is looked up today under the file git says it was renamed to; the seven files whose
refusal tests were re-parametrised into the refusal battery run whole (more work, not less); the six ids later issues
renamed are mapped by hand below. Prints the mapping's counts, then runs pytest over the list with the arguments given
(default `-n 2 -p no:randomly`).
"""

import re
import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BEFORE_COMMIT = "88eb11b"
BEFORE_IDS = Path(__file__).resolve().parent / "suite" / "ids_88eb11b.txt"

# The files whose refusal tests became the one refusal battery (issue 12): their ids changed shape, so they run whole.
BATTERY_FILES = (
    "tests/cases/test_api.py",
    "tests/recalls/test_api.py",
    "tests/chargebacks/test_chargeback_api.py",
    "tests/writeoffs/test_writeoff_api.py",
    "tests/repairs/test_api.py",
    "tests/writeoffs/test_lossreport_api.py",
    "tests/recalls/test_views.py",
)

# Ids that later issues renamed (the defect codes moved to suppliers, two more destruction-record cases were added
# before these, the compose file grew two services and MinIO took the media volume's place).
RENAMED = dict(
    [
        (
            "tests/aftersales/test_admin.py::"
            "test_admin_lists_open_for_the_superuser_only[/admin/inspection/defectcode/]",
            "tests/aftersales/test_admin.py::test_admin_lists_open_for_the_superuser_only[/admin/suppliers/defectcode/]",
        ),
        (
            "tests/reports/test_writeoff_services.py::"
            "test_a_bad_destruction_record_changes_nothing[changes1-destroyed_on]",
            "tests/writeoffs/test_writeoff_services.py::"
            "test_a_bad_destruction_record_changes_nothing[changes3-destroyed_on]",
        ),
        (
            "tests/reports/test_writeoff_services.py::test_a_bad_destruction_record_changes_nothing[changes2-witness]",
            "tests/writeoffs/test_writeoff_services.py::test_a_bad_destruction_record_changes_nothing[changes4-witness]",
        ),
        (
            "tests/aftersales/test_deployment.py::test_compose_defines_the_six_services",
            "tests/aftersales/test_deployment.py::test_compose_defines_the_eight_services",
        ),
        (
            "tests/aftersales/test_deployment.py::"
            "test_web_health_check_fetches_healthz_in_a_way_the_settings_let_through",
            "tests/aftersales/test_deployment.py::"
            "test_web_health_check_fetches_the_readiness_probe_in_a_way_the_settings_let_through",
        ),
        (
            "tests/aftersales/test_deployment.py::"
            "test_media_volume_is_mounted_where_media_root_points_and_shared_by_web_and_worker",
            "tests/aftersales/test_deployment.py::test_files_live_on_the_minio_bucket_of_the_stack",
        ),
    ]
)


def say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def git_renames():
    diff = subprocess.run(
        ["git", "diff", "-M", "--name-status", BEFORE_COMMIT, "HEAD", "--", "tests"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return {
        old: new
        for status, old, *rest in (line.split("\t") for line in diff.splitlines())
        if status.startswith("R")
        for new in rest
    }


def collected_now():
    listing = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:randomly", "-n0", "tests"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    ).stdout
    return [line for line in listing.splitlines() if "::" in line]


def _same_parameters_spelled_otherwise(test_id: str, now: list[str]) -> str | None:
    """The one id today that differs from ``test_id`` only where a long bytes parameter is spelled: pytest 9.2 names
    it ``content1`` (its position), pytest 9.1 writes the bytes out."""
    if not re.search(r"\bcontent\d+\b", test_id):
        return None
    pattern = re.compile(r".*".join(re.escape(part) for part in re.split(r"\bcontent\d+\b", test_id)) + "$")
    matches = [candidate for candidate in now if pattern.match(candidate)]
    return matches[0] if len(matches) == 1 else None


def todays_ids():
    renames = git_renames()
    now = collected_now()
    now_set = set(now)
    found, unmapped = [], []
    for test_id in BEFORE_IDS.read_text().splitlines():
        if test_id in RENAMED:
            found.append(RENAMED[test_id])
            continue
        path, rest = test_id.split("::", 1)
        today = f"{renames.get(path, path)}::{rest}"
        if today in now_set:
            found.append(today)
        elif counterpart := _same_parameters_spelled_otherwise(today, now):
            found.append(counterpart)
        elif not today.startswith(BATTERY_FILES):
            unmapped.append(test_id)
    if unmapped:
        sys.exit("No counterpart today for:\n" + "\n".join(unmapped))
    battery = [test_id for test_id in now if test_id.startswith(BATTERY_FILES) and test_id not in found]
    missing = [test_id for test_id in found if test_id not in now_set]
    if missing:
        sys.exit("Mapped to ids not collected today:\n" + "\n".join(missing))
    say(f"{len(found)} ids found today, {len(battery)} more from the battery files: {len(found) + len(battery)}")
    return found + battery


def cpu_seconds() -> float:
    """User + system time of this process and of its children that have ended (pytest's workers and theirs)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


if __name__ == "__main__":
    args = sys.argv[1:] or ["-n", "2", "-p", "no:randomly"]
    ids = todays_ids()
    # Timed from here: the mapping's own collection (above) is not part of the suite.
    started, cpu_before = time.perf_counter(), cpu_seconds()
    status = pytest.main([*args, *ids])
    say(
        f"same tests: wall {time.perf_counter() - started:.0f} s, CPU {cpu_seconds() - cpu_before:.0f} s "
        "(user + system, pytest and its workers)"
    )
    sys.exit(status)
