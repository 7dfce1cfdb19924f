#!/usr/bin/env bash
# Runs every test suite of the repository and ends with exactly one summary line:
#   Tests: N passed, N failed[, N skipped]
# Before it: tests/setup.sh installs what the tests need when it is missing (see there), and at the
# end every skipped test is listed with its reason ("Skipped: name: reason"). It exits non-zero when
# a test failed or a suite could not run at all (build error, crashed test host, no results); with
# CI=true in the environment, also when any test was skipped (on CI every test must run).
#
# Each suite is a function that runs its tests, adds what it counted with add_counts, the skipped
# tests' names and reasons with add_skip and reports a suite-level failure with suite_broken. A new
# suite is one more such function, called from the list at the bottom.
set -uo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

passed=0
failed=0
skipped=0
broken=()
skip_reasons=()

add_counts() {
    passed=$((passed + $1))
    failed=$((failed + $2))
    skipped=$((skipped + $3))
}

suite_broken() {
    broken+=("$1")
}

add_skip() {
    skip_reasons+=("$1")
}

# Prints "test name: reason" for every skipped (NotExecuted) result in the TRX files given; xUnit puts
# the Skip text in the result's ErrorInfo/Message. perl-base is part of every Debian install.
trx_skips() {
    perl -CSD -0777 -ne '
        BEGIN {
            our %entities = (amp => "&", lt => "<", gt => ">", quot => "\"", apos => "\x27");
            sub text {
                my $s = shift // "";
                $s =~ s/&(?:(amp|lt|gt|quot|apos)|#x([0-9a-fA-F]+)|#([0-9]+));/defined $1 ? $entities{$1} : chr(defined $2 ? hex $2 : $3)/ge;
                $s =~ s/\s+/ /g;
                $s =~ s/^ | $//g;
                return $s;
            }
        }
        while (/<UnitTestResult\b([^>]*?)(?:\/>|>(.*?)<\/UnitTestResult>)/gs) {
            my ($attributes, $body) = ($1, $2 // "");
            next unless $attributes =~ /\boutcome="NotExecuted"/;
            my ($name) = $attributes =~ /\btestName="([^"]*)"/;
            my ($reason) = $body =~ /<Message>(.*?)<\/Message>/s;
            print text($name), ": ", (defined $reason ? text($reason) : "(no reason given)"), "\n";
        }' "$@"
}

# Prints "test name: reason" for every test node's TAP reporter marked "# SKIP reason" or "# TODO reason"
# (subtests are indented).
tap_skips() {
    sed -nE 's/^[[:space:]]*(not )?ok [0-9]+ - (.*) # (SKIP|TODO)[[:space:]]*(.*)$/\2: \4/p' "$@" \
        | sed -E 's/: $/: (no reason given)/'
}

ci_enforced() {
    [[ ${CI:-} =~ ^([Tt][Rr][Uu][Ee]|1)$ ]]
}

# All .NET test projects of the solution. dotnet test prints one summary per test assembly:
#   Passed!  - Failed:     0, Passed:    25, Skipped:     0, Total:    25, Duration: 26 s - X.Tests.dll (net10.0)
# Lists every skipped test with its reason; with CI=true a skip fails the run.
report_skips() {
    local reason
    for reason in "${skip_reasons[@]}"; do
        echo "Skipped: $reason"
    done
    if ((skipped > ${#skip_reasons[@]})); then
        echo "Skipped: $((skipped - ${#skip_reasons[@]})) more test(s) whose reason could not be read (see the log above)"
    fi
    if ((skipped > 0)) && ci_enforced; then
        suite_broken "CI=true and $skipped test(s) were skipped (listed above): on CI every test must run"
    fi
}

dotnet_suite() {
    local log status line found=0
    log=$(mktemp)
    # English output (the summaries are parsed); a test stuck for 10 minutes fails the run
    # instead of hanging it; a TRX file per test project, for the skipped tests' reasons. Each
    # project writes its own TestResults/ folder (gitignored), so the files of projects that end in
    # the same second cannot collide; the name is this run's, and "Results File:" says where.
    DOTNET_CLI_UI_LANGUAGE=en dotnet test OrleansHub.sln -c Release \
        --blame-hang-timeout 10m --blame-hang-dump-type none \
        --logger "trx;LogFileName=run-$$-$(date +%s).trx" 2>&1 | tee "$log"
    status=${PIPESTATUS[0]}

    local trx=()
    mapfile -t trx < <(sed -nE 's/\x1b\[[0-9;]*m//g; s/^ *Results File: (.*\.trx)[[:space:]]*$/\1/p' "$log")
    if ((${#trx[@]} > 0)); then
        while IFS= read -r line; do
            add_skip "$line"
        done < <(trx_skips "${trx[@]}")
        rm -f "${trx[@]}"
    fi

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

# The Node end-to-end tests (tests/e2e, docs/dashboard.md): the silo from the Release build the
# dotnet suite just made, the official @microsoft/signalr client, and Chromium on the dashboard.
# node's tap reporter ends with "# pass N", "# fail N", "# cancelled N" (tests a failed hook never
# ran: counted as failed), "# skipped N" and "# todo N" (counted as skipped).
e2e_suite() {
    local dir=tests/e2e log status line found=0
    if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
        suite_broken "e2e: node and npm are needed (Node 20 or later)"
        return
    fi
    # Install when missing or when package-lock.json changed since the last install.
    if [[ ! -f $dir/node_modules/.package-lock.json || $dir/package-lock.json -nt $dir/node_modules/.package-lock.json ]]; then
        if ! (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error); then
            suite_broken "e2e: npm ci failed"
            return
        fi
    fi

    log=$(mktemp)
    (cd "$dir" && node --test --test-reporter=tap --test-concurrency=1 --test-timeout=180000 tests/*.test.js) 2>&1 | tee "$log"
    status=${PIPESTATUS[0]}

    local pass=0 fail=0 skip=0
    while IFS= read -r line; do
        case $line in
            "# pass "*) pass=${line#\# pass }; found=1 ;;
            "# fail "*) fail=$((fail + ${line#\# fail })) ;;
            "# cancelled "*) fail=$((fail + ${line#\# cancelled })) ;;
            "# skipped "*) skip=$((skip + ${line#\# skipped })) ;;
            "# todo "*) skip=$((skip + ${line#\# todo })) ;;
        esac
    done < <(grep -E '^# (pass|fail|cancelled|skipped|todo) [0-9]+$' "$log")
    while IFS= read -r line; do
        add_skip "e2e: $line"
    done < <(tap_skips "$log")
    rm -f "$log"

    if ((found == 0)); then
        suite_broken "e2e: node --test reported no results (exit code $status)"
        return
    fi
    add_counts "$pass" "$fail" "$skip"
    if ((status != 0 && fail == 0)); then
        suite_broken "e2e: node --test exited with code $status"
    fi
}

bash tests/setup.sh

dotnet_suite
e2e_suite

report_skips
for reason in "${broken[@]}"; do
    echo "Suite failed: $reason"
done

summary="Tests: $passed passed, $failed failed"
if ((skipped > 0)); then
    summary+=", $skipped skipped"
fi
echo "$summary"

((failed == 0 && ${#broken[@]} == 0))
