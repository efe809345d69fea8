# C-side tasks that need no Node: the runtime's own tests.
CC ?= gcc
CFLAGS_STRICT = -std=c99 -Wall -Wextra -Wpedantic -Wconversion -Wshadow -Wdouble-promotion -Werror -O2
BUILD = .tmp/c

.PHONY: test-c clean
test-c:
	@mkdir -p $(BUILD)
	@set -e; for t in runtime-c/test/*.c; do \
	  [ -e "$$t" ] || continue; \
	  n=$$(basename $$t .c); \
	  $(CC) $(CFLAGS_STRICT) -fsanitize=undefined -fno-sanitize-recover -Iruntime-c/include $$t -o $(BUILD)/$$n; \
	  $(BUILD)/$$n; \
	done

clean:
	rm -rf .tmp dist
