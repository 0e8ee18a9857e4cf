# epolltrace build.  `make V=1` shows the full commands.
# Every generated file lives under build/.

OUTPUT   ?= build
CLANG    ?= clang
BPFTOOL  ?= bpftool
CC       ?= gcc
PREFIX   ?= /usr/local
DESTDIR  ?=
ARCH     := $(shell uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/')
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
BPF_CFLAGS := -g -O2 -target bpf -D__TARGET_ARCH_$(ARCH) -I$(OUTPUT) -Ibpf -MMD -MP \
	-Wall -Wno-unused-function -Wno-compare-distinct-pointer-types
# One static binary: it also runs inside the VM tier on another kernel.
LDLIBS   := -static -Wl,--start-group -lbpf -lelf -lz -lzstd -Wl,--end-group -lpthread

USER_SRCS := $(wildcard user/*.c)
USER_OBJS := $(patsubst user/%.c,$(OUTPUT)/user/%.o,$(USER_SRCS))
TOOL_SRCS := $(wildcard tools/*.c)
TOOLS     := $(patsubst tools/%.c,$(OUTPUT)/tools/%,$(TOOL_SRCS))
BPF_OBJ   := $(OUTPUT)/epolltrace.bpf.o
SKEL      := $(OUTPUT)/epolltrace.skel.h

.PHONY: all deps demo test vmtest bench install clean tools
all: $(OUTPUT)/epolltrace tools

tools: $(TOOLS)

deps:
	$(Q)sh tools/deps.sh

$(OUTPUT) $(OUTPUT)/user $(OUTPUT)/tools:
	$(Q)mkdir -p $@

$(OUTPUT)/vmlinux.h: | $(OUTPUT)
	$(call msg,GEN,$@)
ifneq ($(VMLINUX_H),)
	$(Q)cp $(VMLINUX_H) $@
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

# Tools that load BPF programs of their own (libbpf only).
LIBBPF_TOOLS := $(OUTPUT)/tools/hook_floor

$(LIBBPF_TOOLS): $(OUTPUT)/tools/%: tools/%.c | $(OUTPUT)/tools
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) -MMD -MP -D_GNU_SOURCE $< $(LDLIBS) -o $@

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

test: deps all
	$(Q)bash tests/run

vmtest: deps all
	$(Q)bash tests/vm/run

bench: deps all
	$(Q)bash tests/bench/run

install: $(OUTPUT)/epolltrace
	install -D -m 0755 $(OUTPUT)/epolltrace $(DESTDIR)$(PREFIX)/sbin/epolltrace
	install -D -m 0644 man/epolltrace.8 $(DESTDIR)$(PREFIX)/share/man/man8/epolltrace.8

clean:
	rm -rf $(OUTPUT)

-include $(wildcard $(OUTPUT)/*.d $(OUTPUT)/user/*.d $(OUTPUT)/tools/*.d)
