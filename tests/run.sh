#!/usr/bin/env bash
# Runs every test suite of the repository and ends with exactly one summary line:
#   Tests: N passed, N failed[, N skipped]
# It exits non-zero when a test failed or a suite could not run at all (build error, crashed
# test host, no results).
#
# Each suite is a function that runs its tests, adds what it counted with add_counts and
# reports a suite-level failure with suite_broken. A new suite (say the Node e2e scripts) is
# one more such function, called from the list at the bottom.
set -uo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

passed=0
failed=0
skipped=0
broken=()

add_counts() {
    passed=$((passed + $1))
    failed=$((failed + $2))
    skipped=$((skipped + $3))
}

suite_broken() {
    broken+=("$1")
}

# All .NET test projects of the solution. dotnet test prints one summary per test assembly:
#   Passed!  - Failed:     0, Passed:    25, Skipped:     0, Total:    25, Duration: 26 s - X.Tests.dll (net10.0)
dotnet_suite() {
    local log status line found=0
    log=$(mktemp)
    # English output (the summaries are parsed); a test stuck for 10 minutes fails the run
    # instead of hanging it.
    DOTNET_CLI_UI_LANGUAGE=en dotnet test OrleansHub.sln -c Release \
        --blame-hang-timeout 10m --blame-hang-dump-type none 2>&1 | tee "$log"
    status=${PIPESTATUS[0]}

    local summary='Failed: +([0-9]+), Passed: +([0-9]+), Skipped: +([0-9]+), Total: +[0-9]+'
    while IFS= read -r line; do
        if [[ $line =~ (Passed|Failed)!\ +-\ +$summary ]]; then
            add_counts "${BASH_REMATCH[3]}" "${BASH_REMATCH[2]}" "${BASH_REMATCH[4]}"
            found=$((found + 1))
        fi
    done < <(sed 's/\x1b\[[0-9;]*m//g' "$log")
    rm -f "$log"

    if ((found == 0)); then
        suite_broken "dotnet test reported no test results (exit code $status)"
    elif ((status != 0)); then
        suite_broken "dotnet test exited with code $status"
    fi
}

dotnet_suite

for reason in "${broken[@]}"; do
    echo "Suite failed: $reason"
done

summary="Tests: $passed passed, $failed failed"
if ((skipped > 0)); then
    summary+=", $skipped skipped"
fi
echo "$summary"

((failed == 0 && ${#broken[@]} == 0))
