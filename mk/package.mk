# A real package (issue 22): `make install` with PREFIX and DESTDIR, the man
# page boxcheck(1) made from the CLI's own help text (ci/mkman.sh), and the
# Debian packaging in debian/, built and tried by `make check-package`.
#
# Installed layout: the binaries that find each other next to themselves
# (boxcheck, its static agent boxcheck-static, bench-tiny) in
# $(PKGLIBDIR); $(BINDIR)/boxcheck links there (boxcheck resolves
# /proc/self/exe, so it finds its helpers through the link).

PREFIX    ?= /usr/local
BINDIR    ?= $(PREFIX)/bin
PKGLIBDIR ?= $(PREFIX)/lib/boxcheck
MANDIR    ?= $(PREFIX)/share/man
MAN_PAGE  := $(BUILD)/boxcheck.1

DEPS_CHECK  += package
CHECK_PAR_STEPS += check-package

.PHONY: man install uninstall check-package
all: $(MAN_PAGE)
man: $(MAN_PAGE)
$(MAN_PAGE): $(BIN) ci/mkman.sh
	ci/mkman.sh $(BIN) >$@.tmp && mv $@.tmp $@

install: $(BIN) $(BUILD)/boxcheck-static $(BENCH_TINY) $(MAN_PAGE)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(PKGLIBDIR) $(DESTDIR)$(MANDIR)/man1
	install -m 0755 $(BIN) $(BUILD)/boxcheck-static $(BENCH_TINY) \
		$(DESTDIR)$(PKGLIBDIR)/
	ln -sfr $(DESTDIR)$(PKGLIBDIR)/boxcheck $(DESTDIR)$(BINDIR)/boxcheck
	install -m 0644 $(MAN_PAGE) $(DESTDIR)$(MANDIR)/man1/boxcheck.1

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/boxcheck $(DESTDIR)$(MANDIR)/man1/boxcheck.1
	rm -rf $(DESTDIR)$(PKGLIBDIR)

# dpkg-buildpackage in a copy of the tree (debian/rules clean must not
# touch this build), seeded with this build's objects (same flags: make
# recompiles what differs), the .deb installed into a scratch root with
# dpkg --root, and run there with chroot: tests/check-package.sh.
PKG_OUT := $(BUILD)/pkg
check-package: $(BIN) $(BUILD)/boxcheck-static $(BENCH_TINY) $(MAN_PAGE)
	tests/check-package.sh $(PKG_OUT) $(VERSION) $(GIT_REV) $(BUILD)
