# trackfix: Makefile-only build of a 64-bit Winelib console program.
#   make        build build/trackfix.exe (launcher + .exe.so)
#   make test   the unit tests and the quick end-to-end tests, in parallel
#   make check  make test plus the heavy tests: limits, fuzz run, memcheck
#   make check-wine10  make test under Debian 13's Wine 10.0 (needs root)
#   make demo   play the KB 938650 story in build/
#   make bench  measure speed, write build/bench.json
#   make fuzz   feed FUZZ_N mutated inputs to the readers (one Wine process)
#   make memcheck  the programs under valgrind (make check runs it too)
#   make coverage  make test built with gcov; HTML report in build/coverage/
#   make docs   regenerate hotfix/COMMANDS.md from the program's --help
#   make man    build/trackfix.1 from --help (help2man)
#   make install  PREFIX (default /usr/local): program, man page, completion
#   make clean  remove build/
# Test results (JUnit XML, logs): build/test-results/.
# V=1 shows the commands.  The build uses every core (make -j1: one job).

BUILD   := build
OBJDIR  := $(BUILD)/obj
WINE_PREFIX := $(abspath $(BUILD)/wineprefix)
# make install: where to (PREFIX/bin/trackfix, its man page, its completion)
PREFIX  ?= /usr/local

CC      := winegcc
CFLAGS   = -m64 -O2 -g -Wall -Wextra -Werror=implicit-function-declaration \
           -MMD -MP -Ihotfix -Iregistry -Itests $(shell pkg-config --cflags libical 2>/dev/null)
LDFLAGS := -m64 -mconsole -municode
LIBS     = $(shell pkg-config --libs libical 2>/dev/null) -lole32 -loleaut32 -ladvapi32 -lws2_32 -luuid $(RUNTIME_LIBS)
TESTLIBS = $(shell pkg-config --libs cmocka 2>/dev/null)
# Linked into every program: gcov's runtime in the coverage build.
RUNTIME_LIBS :=
# The coverage build: counters updated atomically (convert runs two
# threads, and plain updates from both corrupt them: "branch taken -2"),
# and the trace channel compiled out: WINE_TRACE is a branch on whether
# +trackfix is on, which a run with WINEDEBUG=-all never takes, so its
# branches would count against every file that traces.  The trace lines
# themselves are exercised by e2e_cli's WINEDEBUG=+trackfix run.
ifeq ($(COVERAGE),1)
CFLAGS += -O0 -fprofile-arcs -ftest-coverage -fprofile-update=atomic -DWINE_NO_TRACE_MSGS -DTRACKFIX_COVERAGE
RUNTIME_LIBS := -lgcov
endif

# The build uses every core unless the command line says how many jobs
# (make -jN, or -j1 for a serial build); the test runner's lanes do the same.
ifeq ($(filter -j%,$(MAKEFLAGS)),)
MAKEFLAGS += -j$(shell nproc 2>/dev/null || echo 1)
endif

# A test that runs longer than this has hung: it fails instead of stalling CI.
TEST_TIMEOUT := 600

# Everything the tests and the demo run sees: private prefix, UTC, quiet Wine.
# WINELOADER: Wine's 64-bit loader itself when Debian's is there (found when
# the recipe runs, after deps has installed it), which is what Debian's
# /usr/bin/wine script picks; each program then starts without that script
# (about 25 ms less a start, and the tests start hundreds).
WINEENV := WINEPREFIX=$(WINE_PREFIX) WINEDEBUG=-all TZ=UTC LC_ALL=C.UTF-8 \
           WINEDLLOVERRIDES=mscoree,mshtml= \
           WINELOADER=$$(test -x /usr/lib/wine/wine64 && echo /usr/lib/wine/wine64 || echo wine)

ifeq ($(V),1)
Q :=
else
Q := @
endif

# Library code: every module of hotfix/ and registry/ except the CLI's main.
LIB_SRCS := $(filter-out hotfix/trackfix.c hotfix/cli.c hotfix/cmd_%.c,$(wildcard hotfix/*.c)) \
            $(wildcard registry/*.c)
CLI_SRCS := hotfix/trackfix.c hotfix/cli.c $(wildcard hotfix/cmd_*.c)
LIB_OBJS := $(LIB_SRCS:%.c=$(OBJDIR)/%.o)
CLI_OBJS := $(CLI_SRCS:%.c=$(OBJDIR)/%.o)
UNIT_TESTS := $(patsubst tests/%.c,$(BUILD)/%.exe,$(wildcard tests/test_*.c))
# make test: what a change usually needs; make check adds the heavy ones.
# The runner starts them in this order: the longest first.
LONG_TESTS := scripts/memcheck.sh tests/check_limits.sh tests/check_time.sh tests/check_queue_size.sh tests/check_registry.sh tests/check_list_during_run.sh tests/e2e_convert.sh tests/e2e_recur.sh tests/e2e_msg.sh tests/e2e_queue.sh tests/e2e_cli.sh tests/e2e_conform.sh tests/e2e_scenario.sh
E2E_TESTS := $(filter $(LONG_TESTS),$(wildcard tests/e2e_*.sh)) $(filter-out $(LONG_TESTS),$(wildcard tests/e2e_*.sh))
CHECK_TESTS := $(filter $(LONG_TESTS),scripts/memcheck.sh $(wildcard tests/check_*.sh)) \
               $(filter-out $(LONG_TESTS),$(wildcard tests/check_*.sh))
# the unit tests that take seconds (every fault at every call), started
# first beside the scripts
LONG_UNIT_TESTS := $(BUILD)/test_faults.exe $(BUILD)/test_verbfaults.exe
TEST_ORDER = $(LONG_UNIT_TESTS) $(E2E_TESTS) $(filter-out $(LONG_UNIT_TESTS),$(UNIT_TESTS))
TEST_PROGRAMS := all $(UNIT_TESTS) $(BUILD)/unit_suite.exe $(BUILD)/hold_lock.exe $(BUILD)/fuzz.exe $(BUILD)/vgcanary.exe $(BUILD)/tzcheck.exe prefix

.PHONY: all deps test-deps check-deps bench-deps coverage-deps test check check-wine10 memcheck fuzz demo docs man install bench coverage clean prefix

all: $(BUILD)/trackfix.exe

deps:
	$(Q)scripts/deps.sh build

# Each set after the build's: under make -j two apt-get runs would meet at
# dpkg's lock.
test-deps: deps
	$(Q)scripts/deps.sh test

check-deps: deps
	$(Q)scripts/deps.sh check

bench-deps: deps
	$(Q)scripts/deps.sh bench

# Test programs find the test data through the source folder, whatever
# BUILD is.
$(OBJDIR)/tests/%.o: CFLAGS += -DTEST_SOURCE_DIR='"$(abspath tests)"'

$(OBJDIR)/%.o: %.c | deps
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(CFLAGS) -c $< -o $@

# msg dump's names of tagged properties: Wine's own table (mapitags.h),
# turned into C rows at build time.
MAPITAGS_H := /usr/include/wine/wine/windows/mapitags.h
$(OBJDIR)/proptags.inc: scripts/gen-proptags.sh | deps
	@mkdir -p $(dir $@)
	$(Q)scripts/gen-proptags.sh $(MAPITAGS_H) > $@.tmp && mv $@.tmp $@
# ... and MS-OXPROPS's names of tagged and named properties
# (hotfix/mapinames.txt), turned into C rows the same way.
$(OBJDIR)/mapinames.inc: hotfix/mapinames.txt scripts/gen-mapinames.sh
	@mkdir -p $(dir $@)
	$(Q)scripts/gen-mapinames.sh hotfix/mapinames.txt > $@.tmp && mv $@.tmp $@
$(OBJDIR)/hotfix/mapimsg.o: $(OBJDIR)/proptags.inc $(OBJDIR)/mapinames.inc
$(OBJDIR)/hotfix/mapimsg.o: CFLAGS += -I$(OBJDIR)

# winegcc writes build/trackfix.exe.so and a launcher script; ours
# (scripts/launcher.sh) takes the launcher's place.
# COM, OLE Automation and sockets are loaded when first called, not at
# start: ole32 brings user32 and gdi32, whose start reads the fonts; a verb
# that reads no .msg and sends no mail (time, hotfix, server, eventlog)
# starts without them.
DELAY_LOAD := -Wb,-dole32.dll -Wb,-doleaut32.dll -Wb,-dws2_32.dll
$(BUILD)/trackfix.exe: $(CLI_OBJS) $(LIB_OBJS) scripts/launcher.sh
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(LDFLAGS) $(DELAY_LOAD) -o $@ $(filter %.o,$^) $(LIBS)
	$(Q)install -m 755 scripts/launcher.sh $@

$(BUILD)/test_%.exe: $(OBJDIR)/tests/test_%.o $(LIB_OBJS)
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(LDFLAGS:-municode=) -o $@ $^ $(LIBS) $(TESTLIBS)

# The verbs' test runs them in its process: the CLI's modules but its main.
$(BUILD)/test_cli.exe: $(filter-out $(OBJDIR)/hotfix/trackfix.o,$(CLI_OBJS))

# The fault tests: every allocation, file write, flush, rename and read,
# and registry call of trackfix's own code goes through the wrappers of
# tests/faults.c, which fail the N-th one; test_verbfaults runs the verbs
# in its process, as test_cli does.
FAULT_WRAPS := $(foreach f,malloc calloc realloc strdup strndup GlobalAlloc write fsync syncfs rename renameat2 close unlink mkdir ftruncate \
	WriteFile FlushFileBuffers \
	open openat fopen opendir read pread lseek fstat CreateFileW ReadFile GetFileSizeEx RegOpenKeyExW RegQueryValueExW \
	RegEnumValueW RegCreateKeyExW RegSetValueExW RegDeleteTreeW,-Wl,--wrap=$(f))
$(BUILD)/test_faults.exe $(BUILD)/test_verbfaults.exe: $(OBJDIR)/tests/faults.o
$(BUILD)/test_faults.exe $(BUILD)/test_verbfaults.exe: LDFLAGS += $(FAULT_WRAPS)
$(BUILD)/test_verbfaults.exe: $(filter-out $(OBJDIR)/hotfix/trackfix.o,$(CLI_OBJS))

# The memory check's one process for the small unit tests (valgrind's
# start through Wine is some 2 s a process): each test's object with its
# main renamed NAME_main, called in turn by tests/unit_suite.c; the long
# ones (the fault tests) run on their own, by call path.
SUITE_TESTS := $(patsubst $(BUILD)/%.exe,%,$(filter-out $(LONG_UNIT_TESTS),$(UNIT_TESTS)))
$(OBJDIR)/suite/%.o: $(OBJDIR)/tests/%.o
	@mkdir -p $(dir $@)
	$(Q)objcopy --redefine-sym main=$*_main $< $@
$(OBJDIR)/unit_suite.inc: Makefile $(wildcard tests/test_*.c)
	@mkdir -p $(dir $@)
	$(Q)printf 'X(%s)\n' $(SUITE_TESTS) > $@
$(OBJDIR)/tests/unit_suite.o: $(OBJDIR)/unit_suite.inc
$(OBJDIR)/tests/unit_suite.o: CFLAGS += -I$(OBJDIR)
$(BUILD)/unit_suite.exe: $(OBJDIR)/tests/unit_suite.o $(SUITE_TESTS:%=$(OBJDIR)/suite/%.o) \
                         $(filter-out $(OBJDIR)/hotfix/trackfix.o,$(CLI_OBJS)) $(LIB_OBJS)
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(LDFLAGS:-municode=) -o $@ $(filter %.o,$^) $(LIBS) $(TESTLIBS)

# Benchmark drivers (make bench): library code, no cmocka.
$(BUILD)/bench_%.exe: $(OBJDIR)/tests/bench_%.o $(LIB_OBJS)
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(LDFLAGS:-municode=) -o $@ $^ $(LIBS)

# The fuzz driver (make fuzz; make test replays its regression files).
$(BUILD)/fuzz.exe: $(OBJDIR)/tests/fuzz.o $(LIB_OBJS)
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(LDFLAGS:-municode=) -o $@ $^ $(LIBS) -lpsapi

# Windows' own offsets of every zone beside trackfix's VTIMEZONE
# (tests/e2e_tz.sh).
$(BUILD)/tzcheck.exe: $(OBJDIR)/tests/tzcheck.o $(LIB_OBJS)
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(LDFLAGS:-municode=) -o $@ $^ $(LIBS)

# Test helpers: plain Winelib programs, no library code.
$(BUILD)/vgcanary.exe: $(OBJDIR)/tests/vgcanary.o
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(LDFLAGS:-municode=) -o $@ $^ $(RUNTIME_LIBS)

$(BUILD)/hold_lock.exe: $(OBJDIR)/tests/hold_lock.o
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(LDFLAGS:-municode=) -o $@ $^ $(RUNTIME_LIBS)

$(WINE_PREFIX)/system.reg: | deps
	$(Q)scripts/prefix.sh $(WINE_PREFIX)

prefix: $(WINE_PREFIX)/system.reg

# The tests in TEST_JOBS parallel lanes, each with its own prefix and
# wineserver session (scripts/run-tests.sh).
RUN_TESTS = $(WINEENV) BUILD=$(abspath $(BUILD)) TEST_TIMEOUT=$(TEST_TIMEOUT) scripts/run-tests.sh

test: test-deps $(TEST_PROGRAMS)
	$(Q)$(RUN_TESTS) $(TEST_ORDER)

# NO_MEMCHECK=1 leaves the memory check out, and says so: under Wine 10
# valgrind's stack traces stop at malloc, so it cannot trace a block to
# trackfix's code and its canary fails (README, Wine versions).
check: check-deps $(TEST_PROGRAMS)
	$(Q)$(if $(filter 1,$(NO_MEMCHECK)),echo "make check: the memory check is left out (NO_MEMCHECK=1)";)
	$(Q)TRACKFIX_FAULTS_ALL=1 $(RUN_TESTS) $(if $(filter 1,$(NO_MEMCHECK)),$(filter-out scripts/memcheck.sh,$(CHECK_TESTS)),$(CHECK_TESTS)) \
	    $(TEST_ORDER)

# make test again under Debian 13's Wine 10.0, in a root file system of its
# own made by mmdebstrap (build/wine10/rootfs, reused); needs root
# (scripts/wine10.sh).
check-wine10:
	$(Q)scripts/wine10.sh $(abspath $(BUILD))/wine10/rootfs

# The programs of make test under valgrind's memcheck (scripts/memcheck.sh).
memcheck: test-deps all $(UNIT_TESTS) $(BUILD)/unit_suite.exe $(BUILD)/fuzz.exe $(BUILD)/vgcanary.exe prefix
	$(Q)$(WINEENV) BUILD=$(abspath $(BUILD)) scripts/wine-session.sh scripts/memcheck.sh

# FUZZ_N mutated inputs (default 100,000) in one process; what breaks
# something is kept in tests/data/fuzz/, which make test replays.
FUZZ_N ?= 100000
FUZZ_SEED ?= 938650
fuzz: test-deps all $(BUILD)/fuzz.exe prefix
	$(Q)$(WINEENV) BUILD=$(abspath $(BUILD)) FUZZ_N=$(FUZZ_N) FUZZ_SEED=$(FUZZ_SEED) \
	    scripts/wine-session.sh scripts/fuzz.sh

docs: all prefix
	$(Q)$(WINEENV) BUILD=$(abspath $(BUILD)) scripts/gen-commands.sh

# The man page, from --help and --version (help2man, scripts/gen-man.sh).
man: $(BUILD)/trackfix.1

$(BUILD)/trackfix.1: $(BUILD)/trackfix.exe scripts/gen-man.sh | test-deps prefix
	$(Q)$(WINEENV) BUILD=$(abspath $(BUILD)) scripts/gen-man.sh $@

# make install [PREFIX=/usr/local] [DESTDIR=]: the program in
# PREFIX/lib/trackfix with PREFIX/bin/trackfix to start it, the man page,
# the bash completion.  It runs in whatever WINEPREFIX its user has.
install: all $(BUILD)/trackfix.1
	$(Q)install -d $(DESTDIR)$(PREFIX)/lib/trackfix $(DESTDIR)$(PREFIX)/bin \
	    $(DESTDIR)$(PREFIX)/share/man/man1 $(DESTDIR)$(PREFIX)/share/bash-completion/completions
	$(Q)install -m 755 $(BUILD)/trackfix.exe $(DESTDIR)$(PREFIX)/lib/trackfix/trackfix.exe
	$(Q)install -m 755 $(BUILD)/trackfix.exe.so $(DESTDIR)$(PREFIX)/lib/trackfix/trackfix.exe.so
	$(Q)printf '#!/bin/sh\nexec "%s/lib/trackfix/trackfix.exe" "$$@"\n' "$(PREFIX)" > $(DESTDIR)$(PREFIX)/bin/trackfix
	$(Q)chmod 755 $(DESTDIR)$(PREFIX)/bin/trackfix
	$(Q)install -m 644 $(BUILD)/trackfix.1 $(DESTDIR)$(PREFIX)/share/man/man1/trackfix.1
	$(Q)install -m 644 scripts/trackfix-completion.bash $(DESTDIR)$(PREFIX)/share/bash-completion/completions/trackfix
	@echo "installed trackfix in $(DESTDIR)$(PREFIX)"

# make coverage: make test built with gcov in build/coverage (its own
# objects, programs and prefix), then an HTML report with line and branch
# figures per file (gcovr), and the files that must be covered whole.
coverage: coverage-deps
	$(Q)rm -rf $(BUILD)/coverage/report; find $(BUILD)/coverage -name '*.gcda' -delete 2>/dev/null; \
	$(MAKE) --no-print-directory BUILD=$(BUILD)/coverage COVERAGE=1 test; status=$$?; \
	scripts/coverage-report.sh $(BUILD)/coverage && exit $$status

coverage-deps: deps
	$(Q)scripts/deps.sh coverage

# The story, then the impact scan of the server folder it made: the
# attendee whose acceptance caused the trouble (exit 4 would mean at risk);
# then the two as pictures: the story's queue (report.html, which the story
# writes) and the scan's page, as the administrator sees it before the fix
# (--fix=off: the story ends with the fix on).
demo: all prefix
	$(Q)$(WINEENV) $(BUILD)/trackfix.exe scenario --fix=toggle --dir=$(BUILD)/server
	$(Q)echo; echo "Impact scan of $(BUILD)/server (trackfix scan):"; \
	$(WINEENV) $(BUILD)/trackfix.exe scan $(BUILD)/server; \
	$(WINEENV) $(BUILD)/trackfix.exe scan --fix=off --format=html $(BUILD)/server > $(BUILD)/server/scan.html; \
	echo; echo "Pictures: open them in a browser"; \
	echo "  the queue, the toggle and the delivery: $(abspath $(BUILD))/server/report.html"; \
	echo "  the impact scan, as without the fix:   $(abspath $(BUILD))/server/scan.html"

bench: bench-deps all $(BUILD)/bench_time.exe prefix
	$(Q)$(WINEENV) BUILD=$(abspath $(BUILD)) scripts/wine-session.sh scripts/bench.sh

clean:
	rm -rf $(BUILD)

.SECONDARY:

-include $(shell find $(OBJDIR) -name '*.d' 2>/dev/null)
