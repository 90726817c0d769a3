# The human report (issue 9): `boxcheck report` and its browser check.
# ci/install-deps.sh's `report` group brings gnuplot-nox and chromium.

DEPS_CHECK += report
DEPS_RUN   += report
CHECK_PAR_STEPS += report-check

REPORT_CHECK_OUT := $(BUILD)/report-check

.PHONY: report-check
# Renders two reports (every fixture; the three files `make run` writes, in
# tests/fixtures/report/make-run), opens them in headless Chromium, checks
# the DOM and the screenshots, and that the headline and the chart are above
# the fold of 1280x800 ($(REPORT_CHECK_OUT)/run-fold.png); the same check on
# a copy with the chart moved below the matrix must fail.
report-check: $(BIN)
	tests/report-browser.sh $(BIN) $(REPORT_CHECK_OUT)

# One report from 50 machines (issue 22): 50 synthetic result files over 6
# groups of arch and kernel; grouped columns, a summary row per machine,
# only the differing rows, under 2 s of CPU (tests/report-fleet.sh).
CHECK_PAR_STEPS += report-fleet
.PHONY: report-fleet
report-fleet: $(BIN)
	tests/report-fleet.sh $(BIN) $(BUILD)/check/report-fleet
