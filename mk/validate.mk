# Runtime validation: every target installed here, the control, and the two
# cheating launchers, which must fail exactly their property; then the
# diagonal: each ref-without:STEP fails exactly its own properties. Missing
# runtimes are skips, not failures; a missing jq is a failure.
CHECK_STEPS += validate-check validate-diagonal
DEPS_CHECK  += runtimes
DEPS_RUN    += runtimes

VALIDATE_OUT := $(BUILD)/check/validate
VALIDATE_RUNTIMES := ref,host,runc,crun,bwrap,nspawn,lxc,podman,docker

.PHONY: validate-check validate-diagonal
validate-check: $(BIN) $(BUILD)/boxcheck-static $(BUILD)/tests/json-valid
	@mkdir -p $(VALIDATE_OUT)
	tests/fixtures/validate-check.sh $(BIN) $(VALIDATE_OUT) \
		$(VALIDATE_RUNTIMES)
	xmllint --noout $(VALIDATE_OUT)/validate.xml
	$(BUILD)/tests/json-valid $(VALIDATE_OUT)/validate.json

validate-diagonal: $(BIN) $(BUILD)/boxcheck-static
	@mkdir -p $(VALIDATE_OUT)
	tests/fixtures/validate-diagonal.sh $(BIN) $(VALIDATE_OUT)
