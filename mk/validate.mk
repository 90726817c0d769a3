# Runtime validation (issue 8): every target installed here, the control,
# and the two cheating launchers, which must fail exactly their property.
# Missing runtimes are skips, not failures.
CHECK_STEPS += validate-check

VALIDATE_OUT := $(BUILD)/check/validate
VALIDATE_RUNTIMES := ref,host,runc,crun,bwrap,nspawn,lxc,podman

.PHONY: validate-check
validate-check: $(BIN) $(BUILD)/boxcheck-static $(BUILD)/tests/json-valid
	@mkdir -p $(VALIDATE_OUT)
	tests/fixtures/validate-check.sh $(BIN) $(VALIDATE_OUT) \
		$(VALIDATE_RUNTIMES)
	xmllint --noout $(VALIDATE_OUT)/validate.xml
	$(BUILD)/tests/json-valid $(VALIDATE_OUT)/validate.json
