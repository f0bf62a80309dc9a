/* sigaudit: terminal logging. The log level is the only global mutable state
 * (STYLE rule 14). Messages go to stderr; results never go through here. */
#ifndef SA_LOG_H
#define SA_LOG_H

enum sa_log_level { SA_LOG_QUIET = 0, SA_LOG_NORMAL = 1, SA_LOG_VERBOSE = 2 };

void sa_log_set_level(enum sa_log_level level);
enum sa_log_level sa_log_get_level(void);
void sa_log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void sa_log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void sa_log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void sa_log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
