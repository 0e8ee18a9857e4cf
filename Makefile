# epolltrace build.  `make V=1` shows the full commands.
# Every generated file lives under build/.

# ARCH=arm64 on an x86-64 machine cross-builds into build/arm64/ with
# Debian's aarch64 cross compiler and the arm64 libraries `make deps
# ARCH=arm64` unpacks into build/arm64/sysroot; vmlinux.h then comes from
# the BTF of Debian's arm64 cloud kernel (tools/image_btf.py).
HOST_ARCH := $(shell uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/')
ARCH     := $(if $(filter command line,$(origin ARCH)),$(ARCH),$(HOST_ARCH))
ifeq ($(ARCH),$(HOST_ARCH))
OUTPUT   ?= build
CROSS    :=
else ifeq ($(ARCH),arm64)
OUTPUT   ?= build/arm64
CROSS    := aarch64-linux-gnu-
SYSROOT  ?= build/arm64/sysroot
else
$(error ARCH=$(ARCH): only the machine's own architecture or arm64 (from x86) can be built)
endif
CLANG    ?= clang
BPFTOOL  ?= bpftool
ifneq ($(CROSS),)
CC       := $(CROSS)gcc
AR       := $(CROSS)ar
endif
CC       ?= gcc
PREFIX   ?= /usr/local
DESTDIR  ?=
UNITDIR  ?= $(PREFIX)/lib/systemd/system
VMLINUX_H ?=

ifeq ($(V),1)
Q =
msg =
else
Q = @
msg = @printf '  %-8s %s\n' "$(1)" "$(2)";
endif

CFLAGS   ?= -O2 -g -Wall -Wextra -Wno-unused-parameter
ALL_CFLAGS := $(CFLAGS) -I$(OUTPUT) -Ibpf -Iuser -MMD -MP -D_GNU_SOURCE
LIBDIRS  :=
ifneq ($(CROSS),)
ALL_CFLAGS += -isystem $(SYSROOT)/usr/include -isystem $(SYSROOT)/usr/include/aarch64-linux-gnu
LIBDIRS  := -L$(SYSROOT)/usr/lib/aarch64-linux-gnu
endif
BPF_CFLAGS := -g -O2 -target bpf -D__TARGET_ARCH_$(ARCH) -I$(OUTPUT) -Ibpf -MMD -MP \
	-Wall -Wno-unused-function -Wno-compare-distinct-pointer-types
# One static binary: it also runs inside the VM tier on another kernel.
LDLIBS   := $(LIBDIRS) -static -Wl,--start-group -lbpf -lelf -lz -lzstd -Wl,--end-group -lpthread

USER_SRCS := $(wildcard user/*.c)
USER_OBJS := $(patsubst user/%.c,$(OUTPUT)/user/%.o,$(USER_SRCS))
TOOL_SRCS := $(wildcard tools/*.c)
TOOLS     := $(patsubst tools/%.c,$(OUTPUT)/tools/%,$(TOOL_SRCS))
BPF_OBJ   := $(OUTPUT)/epolltrace.bpf.o
SKEL      := $(OUTPUT)/epolltrace.skel.h

.PHONY: all deps deps-matrix matrix-builds demo test vmtest bench soak install clean tools
all: $(OUTPUT)/epolltrace tools

tools: $(TOOLS)

deps:
	$(Q)sh tools/deps.sh $(ARCH)

# The VM tier boots arm64 too (tests/vm/kernels): what it needs, and its build.
deps-matrix:
	$(Q)sh tools/deps.sh $(HOST_ARCH) arm64

matrix-builds: all
ifeq ($(HOST_ARCH),x86)
	$(Q)$(MAKE) --no-print-directory ARCH=arm64 all
endif

$(OUTPUT) $(OUTPUT)/user $(OUTPUT)/tools:
	$(Q)mkdir -p $@

$(OUTPUT)/vmlinux.h: | $(OUTPUT)
	$(call msg,GEN,$@)
ifneq ($(VMLINUX_H),)
	$(Q)cp $(VMLINUX_H) $@
else ifneq ($(CROSS),)
	$(Q)img=$$(bash tests/vm/fetch-kernel.sh build/vm $$(awk '$$2 == "$(ARCH)" { print $$1, $$2, $$3, $$4; exit }' tests/vm/kernels)) && \
		python3 tools/image_btf.py "$$img" $@.btf && \
		$(BPFTOOL) btf dump file $@.btf format c > $@.tmp && mv $@.tmp $@ && rm -f $@.btf
else
	$(Q)$(BPFTOOL) btf dump file /sys/kernel/btf/vmlinux format c > $@.tmp && mv $@.tmp $@
endif

$(BPF_OBJ): bpf/epolltrace.bpf.c $(OUTPUT)/vmlinux.h | $(OUTPUT)
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -MF $(OUTPUT)/epolltrace.bpf.d -MT $@ -c $< -o $@.tmp.o
	$(Q)$(BPFTOOL) gen object $@ $@.tmp.o && rm -f $@.tmp.o

$(SKEL): $(BPF_OBJ)
	$(call msg,SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name epolltrace_bpf > $@.tmp && mv $@.tmp $@

# Only the objects that include the skeleton wait for it, and only they are
# rebuilt when the BPF code changes; -MMD tracks every other header.
SKEL_USERS := $(patsubst user/%.c,$(OUTPUT)/user/%.o,$(shell grep -l 'epolltrace\.skel\.h' $(USER_SRCS)))
$(SKEL_USERS): $(SKEL)
$(OUTPUT)/user/%.o: user/%.c | $(OUTPUT)/user
	$(call msg,CC,$@)
	$(Q)$(CC) $(ALL_CFLAGS) -c $< -o $@

$(OUTPUT)/epolltrace: $(USER_OBJS)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $^ $(LDLIBS) -o $@

# Workloads are static too, so the VM tier can run them from an initramfs.
$(OUTPUT)/tools/%: tools/%.c tools/workload.h | $(OUTPUT)/tools
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) -MMD -MP -Itools -D_GNU_SOURCE -static -pthread $< -o $@

# Tools that drive the frontend's interfaces (user/tracer.c) for the tests,
# linked with the frontend's objects but main.o, taken from an archive.
FRONTEND_TOOLS := $(OUTPUT)/tools/tracer_query
FRONTEND_LIB   := $(OUTPUT)/frontend.a

$(FRONTEND_LIB): $(filter-out $(OUTPUT)/user/main.o,$(USER_OBJS))
	$(call msg,AR,$@)
	$(Q)rm -f $@ && $(AR) rcs $@ $^

$(FRONTEND_TOOLS): $(OUTPUT)/tools/%: tools/%.c $(FRONTEND_LIB) | $(OUTPUT)/tools
	$(call msg,CC,$@)
	$(Q)$(CC) $(ALL_CFLAGS) $< $(FRONTEND_LIB) $(LDLIBS) -o $@

demo: deps all
	$(Q)sh tools/demo.sh

test: deps-matrix
	$(Q)$(MAKE) --no-print-directory matrix-builds
	$(Q)bash tests/run

vmtest: deps-matrix
	$(Q)$(MAKE) --no-print-directory matrix-builds
	$(Q)bash tests/vm/run

# The monitor's long soak (make test runs a 60 s one).
soak: deps all
	$(Q)SOAK_SECS=$${SOAK_SECS:-600} bash tests/host/machine_soak.sh

bench: deps all
	$(Q)bash tests/bench/run

install: $(OUTPUT)/epolltrace
	install -D -m 0755 $(OUTPUT)/epolltrace $(DESTDIR)$(PREFIX)/sbin/epolltrace
	install -D -m 0644 man/epolltrace.8 $(DESTDIR)$(PREFIX)/share/man/man8/epolltrace.8
	@# the monitor's unit, installed but not enabled
	install -d $(DESTDIR)$(UNITDIR)
	sed 's|@SBINDIR@|$(PREFIX)/sbin|' systemd/epolltrace-monitor.service \
		>$(DESTDIR)$(UNITDIR)/epolltrace-monitor.service
	chmod 0644 $(DESTDIR)$(UNITDIR)/epolltrace-monitor.service

clean:
	rm -rf $(OUTPUT)

-include $(wildcard $(OUTPUT)/*.d $(OUTPUT)/user/*.d $(OUTPUT)/tools/*.d)
