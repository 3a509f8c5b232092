"""The catalogue of the core's messages: English templates, marked for translation.

Each constant is a template for ``core.messages.message(TEMPLATE, **fields)``. The marker
``QT_TRANSLATE_NOOP("CoreMessages", ...)`` lets ``pyside6-lupdate`` extract them (it reads
calls by name, and needs the context written out); the GUI translates a message through its
template. Fields are named so a translator can move them: ``{what}``, ``{value}``, ...
"""

from __future__ import annotations

from tokenbudget.core.messages import QT_TRANSLATE_NOOP

# -- what a field is (used as {what} in the checks below) -----------------------------------
AMOUNT = QT_TRANSLATE_NOOP("CoreMessages", "amount")
LOW_BALANCE = QT_TRANSLATE_NOOP("CoreMessages", "low balance")
MONTHLY_TOKEN_CAP = QT_TRANSLATE_NOOP("CoreMessages", "monthly token cap")
RESET_DAY = QT_TRANSLATE_NOOP("CoreMessages", "reset day")
THRESHOLD = QT_TRANSLATE_NOOP("CoreMessages", "threshold")
START = QT_TRANSLATE_NOOP("CoreMessages", "start")
FIVE_HOUR_TOKEN_CAP = QT_TRANSLATE_NOOP("CoreMessages", "5-hour token cap")
FIVE_HOUR_REQUEST_CAP = QT_TRANSLATE_NOOP("CoreMessages", "5-hour request cap")
WEEKLY_TOKEN_CAP = QT_TRANSLATE_NOOP("CoreMessages", "weekly token cap")
WEEKLY_REQUEST_CAP = QT_TRANSLATE_NOOP("CoreMessages", "weekly request cap")
WINDOW_CAP = QT_TRANSLATE_NOOP("CoreMessages", "{key} cap of the {window} window")

# -- numbers, amounts and moments ----------------------------------------------------------
NOT_A_NUMBER = QT_TRANSLATE_NOOP("CoreMessages", "{what} '{text}' is not a number")
NOT_FINITE = QT_TRANSLATE_NOOP("CoreMessages", "{what} '{text}' is not a finite number")
NOT_WHOLE = QT_TRANSLATE_NOOP("CoreMessages", "{what} must be a whole number")
NOT_ABOVE_ZERO = QT_TRANSLATE_NOOP("CoreMessages", "{what} must be greater than 0")
NOT_ZERO_OR_MORE = QT_TRANSLATE_NOOP("CoreMessages", "{what} must be 0 or more")
AT_MOST = QT_TRANSLATE_NOOP("CoreMessages", "{what} must be at most {high}")
MOMENT_OUT_OF_RANGE = QT_TRANSLATE_NOOP(
    "CoreMessages", "{what} must be between {first} and {last}, not {value}"
)

# -- plans -----------------------------------------------------------------------------------
UNKNOWN_FIELD = QT_TRANSLATE_NOOP("CoreMessages", "unknown field")
PLAN_NEEDS_NAME = QT_TRANSLATE_NOOP("CoreMessages", "a plan needs a name")
NAME_TOO_LONG = QT_TRANSLATE_NOOP("CoreMessages", "keep the name under 80 characters")
PLAN_NAME_TAKEN = QT_TRANSLATE_NOOP("CoreMessages", "a plan named '{name}' already exists")
KIND_CHOICES = QT_TRANSLATE_NOOP("CoreMessages", "kind is budget, subscription or prepaid")
UNKNOWN_CURRENCY = QT_TRANSLATE_NOOP("CoreMessages", "unknown currency '{text}' (known: {known})")
RESET_DAY_RANGE = QT_TRANSLATE_NOOP("CoreMessages", "reset day is a day of the month, 1 to 31")
UNKNOWN_TIME_ZONE = QT_TRANSLATE_NOOP(
    "CoreMessages", "unknown time zone '{text}' (use a name like Asia/Shanghai)"
)
NO_THRESHOLD = QT_TRANSLATE_NOOP("CoreMessages", "give at least one threshold, e.g. 50,80,100")
THRESHOLDS_ARE_PERCENT = QT_TRANSLATE_NOOP("CoreMessages", "thresholds are percentages (e.g. 80)")
ACTIVE_YES_NO = QT_TRANSLATE_NOOP("CoreMessages", "active is yes or no")
START_FORMAT = QT_TRANSLATE_NOOP(
    "CoreMessages", "start is a date or time like 2026-11-01 or 2026-11-01T09:00"
)
SET_BUDGET = QT_TRANSLATE_NOOP("CoreMessages", "set the monthly budget")
SET_FEE = QT_TRANSLATE_NOOP("CoreMessages", "set the monthly fee")
SET_TOPPED_UP = QT_TRANSLATE_NOOP("CoreMessages", "set the balance you topped up")
CAPS_FOR_SUBSCRIPTIONS = QT_TRANSLATE_NOOP(
    "CoreMessages", "token and request caps belong to subscriptions"
)
LOW_BALANCE_FOR_PREPAID = QT_TRANSLATE_NOOP(
    "CoreMessages", "a low-balance warning belongs to prepaid plans"
)
WINDOW_SYNTAX = QT_TRANSLATE_NOOP(
    "CoreMessages", "'{part}' is not like 5h:tokens=N,requests=M or 7d:requests=M"
)
WINDOW_TOO_SHORT = QT_TRANSLATE_NOOP("CoreMessages", "a window must be at least 1 hour long")
WINDOW_TOO_LONG = QT_TRANSLATE_NOOP("CoreMessages", "a window is at most {days} days long")
WINDOW_CAPS_WHAT = QT_TRANSLATE_NOOP(
    "CoreMessages", "'{key}' in '{part}': a window caps tokens or requests"
)
WINDOW_CAPS_NOTHING = QT_TRANSLATE_NOOP(
    "CoreMessages", "'{part}' caps nothing: add tokens=N or requests=M"
)
FIXED_WINDOWS_OWN_FIELDS = QT_TRANSLATE_NOOP(
    "CoreMessages", "set the 5-hour and weekly windows in their own fields"
)

# -- caps (an alert's "{plan}: {share} % of {cap}") -------------------------------------------
CAP_BUDGET = QT_TRANSLATE_NOOP("CoreMessages", "budget")
CAP_BALANCE = QT_TRANSLATE_NOOP("CoreMessages", "balance")
CAP_MONTHLY_TOKENS = QT_TRANSLATE_NOOP("CoreMessages", "monthly tokens")
CAP_WINDOW_TOKENS = QT_TRANSLATE_NOOP("CoreMessages", "{window} tokens")
CAP_WINDOW_REQUESTS = QT_TRANSLATE_NOOP("CoreMessages", "{window} requests")
CAP_OFFICIAL = QT_TRANSLATE_NOOP("CoreMessages", "{window} official")

# -- text files --------------------------------------------------------------------------------
NOT_TEXT_BINARY = QT_TRANSLATE_NOOP(
    "CoreMessages", "{name} looks like a binary file (NUL byte at offset {offset}); not counted"
)
NOT_UTF8 = QT_TRANSLATE_NOOP(
    "CoreMessages", "{name} is not valid UTF-8 text (bad byte at offset {offset}); not counted"
)
TOO_LARGE = QT_TRANSLATE_NOOP(
    "CoreMessages",
    "{name} is larger than {size} MiB; not counted (no model takes a prompt that long)",
)
NO_SUCH_FILE = QT_TRANSLATE_NOOP("CoreMessages", "{path}: no such file")
IS_A_DIRECTORY = QT_TRANSLATE_NOOP("CoreMessages", "{path} is a directory, not a file")
CANNOT_READ = QT_TRANSLATE_NOOP("CoreMessages", "{path} cannot be read: {why}")

# -- keys and the keyring ------------------------------------------------------------------------
KEY_EMPTY = QT_TRANSLATE_NOOP("CoreMessages", "the key is empty")
KEY_HAS_SPACES = QT_TRANSLATE_NOOP(
    "CoreMessages", "a key has no spaces, line breaks or control characters"
)
KEYS_IN_MEMORY = QT_TRANSLATE_NOOP("CoreMessages", "Keys are kept in memory for this session only.")
KEYS_IN_KEYRING = QT_TRANSLATE_NOOP("CoreMessages", "Keys are kept in the system keyring ({name}).")
NO_KEYRING = QT_TRANSLATE_NOOP(
    "CoreMessages",
    "This system has no usable keyring, so no API key can be kept. To keep API keys, run a "
    "Secret Service: on Debian or Ubuntu install gnome-keyring (or KeePassXC with its Secret "
    "Service integration) and unlock it in your desktop session.",
)
PLAINTEXT_KEYRING_ONLY = QT_TRANSLATE_NOOP(
    "CoreMessages",
    "The only keyring here keeps keys in a plain file (keyrings.alt), so tokenbudget does not "
    "use it. To keep API keys, run a Secret Service: on Debian or Ubuntu install gnome-keyring "
    "(or KeePassXC with its Secret Service integration) and unlock it in your desktop session.",
)
WITH_DETAIL = QT_TRANSLATE_NOOP("CoreMessages", "{text} ({detail})")

# -- the ledger ------------------------------------------------------------------------------------
NO_PLAN_WITH_ID = QT_TRANSLATE_NOOP("CoreMessages", "no plan with id {id}")
NO_ENTRY_WITH_ID = QT_TRANSLATE_NOOP("CoreMessages", "no entry with id {id}")
ENTRY_PLAN_GONE = QT_TRANSLATE_NOOP(
    "CoreMessages", "entry {id} cannot be changed so: plan {plan} does not exist"
)
ENTRY_REF_TAKEN = QT_TRANSLATE_NOOP(
    "CoreMessages", "entry {id} cannot be changed so: another entry has its source reference"
)
NO_PLAN_NAMED = QT_TRANSLATE_NOOP("CoreMessages", "no plan named '{name}' (plans: {names})")
NO_PLANS_YET = QT_TRANSLATE_NOOP("CoreMessages", "none yet")
HOME_IS_A_FILE = QT_TRANSLATE_NOOP(
    "CoreMessages", "{variable} is {path}, which is a file, not a folder"
)

# -- count endpoints and balances (why there is no count or balance) -------------------------------
REDIRECTED = QT_TRANSLATE_NOOP(
    "CoreMessages",
    "the provider redirected to another address; not followed so your key stays with it",
)
INVALID_KEY_401 = QT_TRANSLATE_NOOP("CoreMessages", "invalid key (401)")
KEY_NOT_ALLOWED_403 = QT_TRANSLATE_NOOP("CoreMessages", "key not allowed to count (403)")
RATE_LIMITED_429 = QT_TRANSLATE_NOOP("CoreMessages", "rate limited (429)")
RATE_LIMITED_429_RETRY = QT_TRANSLATE_NOOP(
    "CoreMessages", "rate limited (429, retry after {seconds} s)"
)
RATE_LIMITED_ASKING_AGAIN = QT_TRANSLATE_NOOP(
    "CoreMessages", "rate limited (429); asking again in {seconds} s"
)
PROVIDER_ERROR = QT_TRANSLATE_NOOP("CoreMessages", "provider error ({code})")
REQUEST_REFUSED = QT_TRANSLATE_NOOP("CoreMessages", "request refused ({code})")
KEY_NOT_SENT = QT_TRANSLATE_NOOP("CoreMessages", "key not sent: {problem}")
TIMED_OUT = QT_TRANSLATE_NOOP("CoreMessages", "timed out after {seconds} s")
OFFLINE = QT_TRANSLATE_NOOP("CoreMessages", "offline or unreachable ({why})")
CONNECTION_FAILED = QT_TRANSLATE_NOOP("CoreMessages", "connection failed ({why})")
MALFORMED_TOO_LONG = QT_TRANSLATE_NOOP("CoreMessages", "malformed response (too long)")
MALFORMED_NOT_JSON = QT_TRANSLATE_NOOP("CoreMessages", "malformed response (not JSON)")
MALFORMED_NO_COUNT = QT_TRANSLATE_NOOP("CoreMessages", "malformed response (no token count)")
NO_ANSWER_IN_TIME = QT_TRANSLATE_NOOP("CoreMessages", "no answer in time")
UNEXPECTED_ANSWER = QT_TRANSLATE_NOOP("CoreMessages", "unexpected answer ({detail})")
CANNOT_REACH = QT_TRANSLATE_NOOP("CoreMessages", "cannot reach the provider")
API_KEY_REFUSED = QT_TRANSLATE_NOOP("CoreMessages", "API key refused")
RATE_LIMITED_LATER = QT_TRANSLATE_NOOP("CoreMessages", "rate limited; try again later")
PAYMENT_REQUIRED = QT_TRANSLATE_NOOP("CoreMessages", "payment required")
PROVIDER_ERROR_HTTP = QT_TRANSLATE_NOOP("CoreMessages", "provider error (HTTP {code})")
REQUEST_REFUSED_HTTP = QT_TRANSLATE_NOOP("CoreMessages", "request refused (HTTP {code})")

# -- the settings file ---------------------------------------------------------------------------
SETTINGS_UNREADABLE = QT_TRANSLATE_NOOP(
    "CoreMessages", "settings file {path} is unreadable ({why}); using defaults"
)
SETTINGS_NOT_OBJECT = QT_TRANSLATE_NOOP(
    "CoreMessages", "settings file {path} is not a JSON object; using defaults"
)
SETTINGS_INVALID = QT_TRANSLATE_NOOP(
    "CoreMessages", "settings file {path}: ignored invalid {keys}; using defaults there"
)

# -- unknown names ("did you mean") --------------------------------------------------------------
KIND_MODEL = QT_TRANSLATE_NOOP("CoreMessages", "model")
KIND_TOKENIZER = QT_TRANSLATE_NOOP("CoreMessages", "tokenizer")
KIND_ESTIMATOR = QT_TRANSLATE_NOOP("CoreMessages", "estimator")
UNKNOWN_NAME = QT_TRANSLATE_NOOP("CoreMessages", "unknown {kind} '{name}'")
UNKNOWN_NAME_HINT = QT_TRANSLATE_NOOP(
    "CoreMessages", "unknown {kind} '{name}'; did you mean {suggestions}?"
)
UNKNOWN_PROVIDER = QT_TRANSLATE_NOOP("CoreMessages", "unknown provider '{name}'")
UNKNOWN_PROVIDER_HINT = QT_TRANSLATE_NOOP(
    "CoreMessages", "unknown provider '{name}'; did you mean {suggestions}?"
)

# -- import problems (the Sources window's "file:line: reason") ----------------------------------
MORE_PROBLEMS = QT_TRANSLATE_NOOP("CoreMessages", "{count} more problems not listed")
STATE_UNREADABLE_FILES = QT_TRANSLATE_NOOP("CoreMessages", "unreadable; every file is read again")
STATE_UNREADABLE_ALL = QT_TRANSLATE_NOOP("CoreMessages", "unreadable; everything is read again")
CANNOT_READ_FILE = QT_TRANSLATE_NOOP("CoreMessages", "cannot read: {why}")
NOT_A_JSON_OBJECT = QT_TRANSLATE_NOOP(
    "CoreMessages", "not a JSON object (truncated or damaged line)"
)
CANNOT_BE_READ_TYPE = QT_TRANSLATE_NOOP("CoreMessages", "cannot be read ({kind})")
LINE_TOO_LONG = QT_TRANSLATE_NOOP("CoreMessages", "line too long to read; skipped")
JSON_ENDS_EARLY = QT_TRANSLATE_NOOP(
    "CoreMessages", "not valid JSON: the text ends early (truncated?)"
)
JSON_INVALID_AT = QT_TRANSLATE_NOOP("CoreMessages", "not valid JSON: {reason} (column {column})")
JSON_TOO_DEEP = QT_TRANSLATE_NOOP("CoreMessages", "not valid JSON: nested too deeply")
NOT_VALID_UTF8 = QT_TRANSLATE_NOOP("CoreMessages", "not valid UTF-8")
NOT_UTF8_TEXT = QT_TRANSLATE_NOOP("CoreMessages", "not UTF-8 text")
COMPRESSED_ENDS_IN_LINE = QT_TRANSLATE_NOOP(
    "CoreMessages", "the compressed file ends inside a line (truncated?)"
)
FILE_TOO_LARGE_SKIPPED = QT_TRANSLATE_NOOP("CoreMessages", "{what} too large to read; skipped")
WHAT_SETTINGS_FILE = QT_TRANSLATE_NOOP("CoreMessages", "settings file")
WHAT_CHAT_FILE = QT_TRANSLATE_NOOP("CoreMessages", "chat file")
NOT_A_GEMINI_CHAT = QT_TRANSLATE_NOOP("CoreMessages", "not a Gemini CLI chat (no list of messages)")
IN_SESSION = QT_TRANSLATE_NOOP("CoreMessages", "session {session}: {problem}")
IN_SESSION_FIELD = QT_TRANSLATE_NOOP("CoreMessages", "session {session}: {field}: {problem}")
IN_MESSAGE = QT_TRANSLATE_NOOP("CoreMessages", "message {message}: {problem}")
IN_PART = QT_TRANSLATE_NOOP("CoreMessages", "part {part}: {problem}")
UNREADABLE_CSV = QT_TRANSLATE_NOOP("CoreMessages", "unreadable CSV: {why}")
NOT_AN_EXPORT = QT_TRANSLATE_NOOP(
    "CoreMessages", "not a tokenbudget export (no column {columns}); use a mapping"
)
NO_COLUMNS_IN_HEADER = QT_TRANSLATE_NOOP("CoreMessages", "no column {columns} in the header")
RECORD_NOT_STORED = QT_TRANSLATE_NOOP("CoreMessages", "record {ref} could not be stored: {why}")
VALUE_NOT_WHOLE = QT_TRANSLATE_NOOP("CoreMessages", "'{key}' is not a whole number: {value}")
VALUE_NEGATIVE = QT_TRANSLATE_NOOP("CoreMessages", "'{key}' is negative: {value}")
VALUE_TOO_LARGE = QT_TRANSLATE_NOOP(
    "CoreMessages", "'{key}' is too large: {value} (the most is {most})"
)
NOT_VALID_TEXT = QT_TRANSLATE_NOOP("CoreMessages", "{what} is not valid text: {value}")
COST_NOT_FINITE = QT_TRANSLATE_NOOP("CoreMessages", "cost '{amount}' is not a finite number")
COST_NEGATIVE = QT_TRANSLATE_NOOP("CoreMessages", "cost '{amount}' is negative")
COST_TOO_LARGE = QT_TRANSLATE_NOOP(
    "CoreMessages", "cost '{amount}' is too large (the most is {most})"
)
TOKENS_TOO_LARGE = QT_TRANSLATE_NOOP("CoreMessages", "{what} {value} is too large")
REQUESTS_OUT_OF_RANGE = QT_TRANSLATE_NOOP("CoreMessages", "requests {value} is out of range")

# -- start at login and the app menu entry ---------------------------------------------------------
AUTOSTART_WRITE_FAILED = QT_TRANSLATE_NOOP(
    "CoreMessages", "could not write the autostart entry {path}: {why}"
)
AUTOSTART_REMOVE_FAILED = QT_TRANSLATE_NOOP(
    "CoreMessages", "could not remove the autostart entry {path}: {why}"
)
LAUNCHER_INSTALL_FAILED = QT_TRANSLATE_NOOP(
    "CoreMessages", "could not install the menu entry: {why}"
)
LAUNCHER_REMOVE_FAILED = QT_TRANSLATE_NOOP("CoreMessages", "could not remove {path}: {why}")

# -- the ledger's errors (what was being done, then what went wrong) ----------------------------
DOING_OPEN = QT_TRANSLATE_NOOP("CoreMessages", "open")
DOING_READ = QT_TRANSLATE_NOOP("CoreMessages", "read")
DOING_SEARCH = QT_TRANSLATE_NOOP("CoreMessages", "search")
DOING_UPGRADE = QT_TRANSLATE_NOOP("CoreMessages", "upgrade")
DOING_MOVE_ASIDE = QT_TRANSLATE_NOOP("CoreMessages", "move aside")
DOING_REBUILD = QT_TRANSLATE_NOOP("CoreMessages", "rebuild")
DOING_CREATE_FOLDER = QT_TRANSLATE_NOOP("CoreMessages", "create the folder of")
DOING_WRITE = QT_TRANSLATE_NOOP("CoreMessages", "write to")
LEDGER_FOLDER_NOT_WRITABLE = QT_TRANSLATE_NOOP(
    "CoreMessages", "cannot {doing} the ledger {path}: its folder cannot be written ({detail})"
)
LEDGER_CANNOT = QT_TRANSLATE_NOOP("CoreMessages", "cannot {doing} the ledger {path}: {detail}")
LEDGER_BUSY = QT_TRANSLATE_NOOP(
    "CoreMessages",
    "the ledger {path} is busy: another program kept it locked for more than {seconds} s; "
    "try again when it is done ({detail})",
)
LEDGER_READ_ONLY = QT_TRANSLATE_NOOP(
    "CoreMessages",
    "cannot {doing} the ledger {path}: the file or its folder is read-only ({detail})",
)
LEDGER_CANNOT_OPEN_FOR_WRITING = QT_TRANSLATE_NOOP(
    "CoreMessages",
    "cannot {doing} the ledger {path}: the file or its folder cannot be opened for writing "
    "({detail})",
)
LEDGER_DISK_FULL = QT_TRANSLATE_NOOP(
    "CoreMessages", "the disk is full: cannot {doing} the ledger {path} ({detail})"
)
LEDGER_DISK_ERROR = QT_TRANSLATE_NOOP(
    "CoreMessages", "a disk error stopped tokenbudget from {doing}: {path} ({detail})"
)
LEDGER_NOT_A_DATABASE = QT_TRANSLATE_NOOP(
    "CoreMessages", "the ledger {path} is not a usable database ({detail})"
)
LEDGER_DAMAGED = QT_TRANSLATE_NOOP(
    "CoreMessages", "the ledger {path} is damaged ({detail}); {hint}"
)
RECOVER_HINT = QT_TRANSLATE_NOOP(
    "CoreMessages",
    "run `tokenbudget ledger recover` to move it aside and rebuild it from what can still be read",
)
LEDGER_NEWER = QT_TRANSLATE_NOOP(
    "CoreMessages",
    "the ledger {path} was written by a newer tokenbudget (schema {version}); "
    "update tokenbudget to open it",
)
LEDGER_NO_WAL = QT_TRANSLATE_NOOP(
    "CoreMessages", "the ledger {path} cannot use WAL journaling (got {mode})"
)

# -- live sync ------------------------------------------------------------------------------------
SYNC_FAILED = QT_TRANSLATE_NOOP("CoreMessages", "{source}: {reason}")
SYNC_CRASHED = QT_TRANSLATE_NOOP("CoreMessages", "{source}: import failed ({kind}: {reason})")

# -- the user's price files (a broken one is left out at start-up) -------------------------------
WHAT_PRICE_MANIFEST = QT_TRANSLATE_NOOP("CoreMessages", "price manifest")
WHAT_PRICE_SNAPSHOT = QT_TRANSLATE_NOOP("CoreMessages", "price snapshot")
WHAT_LIST_PRICES = QT_TRANSLATE_NOOP("CoreMessages", "list prices")
WHAT_PRICE_OVERRIDES = QT_TRANSLATE_NOOP("CoreMessages", "price overrides")
PRICE_FILE_UNREADABLE = QT_TRANSLATE_NOOP("CoreMessages", "{what} {path} cannot be read: {why}")
PRICE_FILE_NOT_JSON = QT_TRANSLATE_NOOP("CoreMessages", "{what} {path} is not valid JSON: {why}")
STARTED_WITHOUT_FILE = QT_TRANSLATE_NOOP("CoreMessages", "{reason}; started without that file")
STARTED_WITHOUT_PATH = QT_TRANSLATE_NOOP(
    "CoreMessages", "{path}: {reason}; started without that file"
)

# -- saving settings, the keyring, balances ------------------------------------------------------
SETTINGS_MALFORMED_NOT_SAVED = QT_TRANSLATE_NOOP(
    "CoreMessages",
    "settings file {path} is malformed; fix or remove it before changing settings",
)
KEY_NOT_READ = QT_TRANSLATE_NOOP("CoreMessages", "could not read the {provider} key: {kind}")
KEY_NOT_STORED = QT_TRANSLATE_NOOP(
    "CoreMessages", "the keyring did not store the {provider} key: {kind}"
)
KEY_NOT_DELETED = QT_TRANSLATE_NOOP(
    "CoreMessages", "the keyring did not delete the {provider} key: {kind}"
)
FIELD_MISSING = QT_TRANSLATE_NOOP("CoreMessages", "{what} missing")
FIELD_NOT_A_NUMBER = QT_TRANSLATE_NOOP("CoreMessages", "{what} is not a number")
NO_FIELD = QT_TRANSLATE_NOOP("CoreMessages", "no {what}")
NO_CREDIT_LIMIT = QT_TRANSLATE_NOOP("CoreMessages", "this key has no credit limit")
NO_PUBLISHED_BALANCE = QT_TRANSLATE_NOOP("CoreMessages", "{provider} does not publish a balance")

# -- files the window writes or edits (Claude Code's settings, a CSV export) ---------------------
CANNOT_READ_PATH = QT_TRANSLATE_NOOP("CoreMessages", "cannot read {path}: {why}")
CANNOT_WRITE_PATH = QT_TRANSLATE_NOOP("CoreMessages", "cannot write {path}: {why}")
CLAUDE_SETTINGS_TOO_LARGE = QT_TRANSLATE_NOOP(
    "CoreMessages", "{path} is larger than 10 MB; not a settings file, left as is"
)
CLAUDE_SETTINGS_NOT_JSON = QT_TRANSLATE_NOOP(
    "CoreMessages",
    "{path} is not valid JSON ({why}); fix it first, tokenbudget does not overwrite it",
)
CLAUDE_SETTINGS_NOT_OBJECT = QT_TRANSLATE_NOOP(
    "CoreMessages", "{path} does not hold a JSON object; tokenbudget leaves it as is"
)

# -- other tools' databases (Goose, OpenCode), as import problems ----------------------------------
DB_READ_WITHOUT_WAL = QT_TRANSLATE_NOOP(
    "CoreMessages", "read without its -wal file (no -shm): the newest changes are not seen"
)
DB_CHANGED_WHILE_READ = QT_TRANSLATE_NOOP(
    "CoreMessages", "the database changed while it was read; try again"
)
DB_NOT_SQLITE = QT_TRANSLATE_NOOP("CoreMessages", "not an SQLite database")
DB_LOCKED = QT_TRANSLATE_NOOP(
    "CoreMessages", "the database is locked by its tool (waited {seconds} s); try again later"
)
DB_DAMAGED = QT_TRANSLATE_NOOP("CoreMessages", "the database is damaged: {detail}")
DB_UNREADABLE = QT_TRANSLATE_NOOP("CoreMessages", "cannot read the database: {detail}")

# -- what a log line or row lacks (import problems) ----------------------------------------------
ROW_NOT_OBJECT = QT_TRANSLATE_NOOP("CoreMessages", "not a JSON object")
ROW_STATUS_NO_TIME = QT_TRANSLATE_NOOP("CoreMessages", "status update without a valid timestamp")
ROW_USAGE_NO_TIME = QT_TRANSLATE_NOOP("CoreMessages", "usage record without a valid time")
NOT_ZSTD = QT_TRANSLATE_NOOP("CoreMessages", "not zstd-compressed data (damaged?)")
NO_ZSTANDARD = QT_TRANSLATE_NOOP(
    "CoreMessages", "cannot read zstd files: zstandard is not installed"
)
COMPRESSED_ENDS_EARLY = QT_TRANSLATE_NOOP(
    "CoreMessages", "the compressed file ends early (truncated?)"
)
NOT_DROID_SETTINGS = QT_TRANSLATE_NOOP("CoreMessages", "not a Droid settings object")
TOKEN_USAGE_NOT_OBJECT = QT_TRANSLATE_NOOP("CoreMessages", "'tokenUsage' is not an object")
ASSISTANT_NO_MODEL = QT_TRANSLATE_NOOP("CoreMessages", "assistant row without a model")
ASSISTANT_NO_TIME = QT_TRANSLATE_NOOP("CoreMessages", "assistant row without a valid timestamp")
ASSISTANT_NO_ID = QT_TRANSLATE_NOOP("CoreMessages", "assistant row without a message id or uuid")
SESSION_NO_ID = QT_TRANSLATE_NOOP("CoreMessages", "a session without an id")
NO_UPDATED_AT = QT_TRANSLATE_NOOP("CoreMessages", "no valid updated_at")
SHUTDOWN_NO_TIME = QT_TRANSLATE_NOOP("CoreMessages", "session.shutdown without a valid timestamp")
GEMINI_NO_ID = QT_TRANSLATE_NOOP("CoreMessages", "gemini message without an id")
GEMINI_NO_TIME = QT_TRANSLATE_NOOP("CoreMessages", "gemini message without a valid timestamp")
ASSISTANT_RECORD_NO_TIME = QT_TRANSLATE_NOOP(
    "CoreMessages", "assistant record without a valid timestamp"
)
STEP_NO_TOKENS = QT_TRANSLATE_NOOP("CoreMessages", "step-finish part without tokens")
STEP_NO_TIME = QT_TRANSLATE_NOOP("CoreMessages", "step-finish part without a valid time")
TOKEN_COUNT_NO_TIME = QT_TRANSLATE_NOOP("CoreMessages", "token count without a valid timestamp")
TOKEN_COUNT_NO_TOTAL = QT_TRANSLATE_NOOP("CoreMessages", "token count without total_token_usage")
TOKEN_USAGE_NO_TIME = QT_TRANSLATE_NOOP(
    "CoreMessages", "token usage record without a valid timestamp"
)
TOKEN_USAGE_NO_USAGE = QT_TRANSLATE_NOOP("CoreMessages", "token usage record without usage")
PART_NO_ID = QT_TRANSLATE_NOOP("CoreMessages", "a part without an id")
DAMAGED_COMPRESSED = QT_TRANSLATE_NOOP("CoreMessages", "damaged compressed data ({why})")

# -- devices sharing a sync folder ----------------------------------------------------------------
DEVICE_NOT_A_FOLDER = QT_TRANSLATE_NOOP("CoreMessages", "{path} is not a folder")
DEVICE_FOLDER_READ_ONLY = QT_TRANSLATE_NOOP("CoreMessages", "{path} cannot be written")
DEVICE_NAME_EMPTY = QT_TRANSLATE_NOOP("CoreMessages", "a device name cannot be empty")
DEVICE_NO_FOLDER = QT_TRANSLATE_NOOP(
    "CoreMessages", "no sync folder is set; choose one with 'devices use FOLDER'"
)
DEVICE_FOLDER_MISSING = QT_TRANSLATE_NOOP(
    "CoreMessages", "{path}: the folder is missing (changes wait here until it is back)"
)
DEVICE_FILE_PROBLEM = QT_TRANSLATE_NOOP("CoreMessages", "{path}: {why}")
DEVICE_UNKNOWN = QT_TRANSLATE_NOOP("CoreMessages", "no device named '{name}'")
DEVICE_UNKNOWN_CLOSE = QT_TRANSLATE_NOOP(
    "CoreMessages", "no device named '{name}'; did you mean '{close}'?"
)

# -- CSV rows (a row that cannot be read is skipped with why) -------------------------------------
CSV_UNKNOWN_FIELD = QT_TRANSLATE_NOOP("CoreMessages", "unknown CSV field {fields} (known: {known})")
CSV_NEEDS_TIME = QT_TRANSLATE_NOOP("CoreMessages", "the CSV mapping needs a column for 'time'")
CSV_BAD_TIME_UTC = QT_TRANSLATE_NOOP("CoreMessages", "time_utc '{value}' is not an ISO 8601 time")
CSV_NEEDS_PROVIDER_MODEL = QT_TRANSLATE_NOOP("CoreMessages", "provider and model are required")
CSV_BAD_TIME = QT_TRANSLATE_NOOP(
    "CoreMessages", "time '{value}' is neither ISO 8601 nor unix seconds"
)
CSV_NO_MODEL = QT_TRANSLATE_NOOP("CoreMessages", "no model (and no default model)")
CSV_NO_PROVIDER = QT_TRANSLATE_NOOP(
    "CoreMessages", "no provider for model '{model}' (and no default provider)"
)
COUNT_NOT_WHOLE = QT_TRANSLATE_NOOP("CoreMessages", "{name} '{value}' is not a whole number")
COUNT_NEGATIVE = QT_TRANSLATE_NOOP("CoreMessages", "{name} '{value}' is negative")
COUNT_TOO_LARGE = QT_TRANSLATE_NOOP(
    "CoreMessages", "{name} '{value}' is too large (the most is {most})"
)
COPILOT_MODEL_PROBLEM = QT_TRANSLATE_NOOP("CoreMessages", "model {model}: {problem}")
