# The human report (issue 9): `boxcheck report` and its browser check.
# ci/install-deps.sh's `report` group brings gnuplot-nox and chromium.

DEPS_CHECK += report
DEPS_RUN   += report
CHECK_STEPS += report-check

REPORT_CHECK_OUT := $(BUILD)/report-check

.PHONY: report-check
# Renders the fixtures' report, opens it in headless Chromium, checks the
# DOM and the screenshot ($(REPORT_CHECK_OUT)/report.png).
report-check: $(BIN)
	tests/report-browser.sh $(BIN) $(REPORT_CHECK_OUT)
