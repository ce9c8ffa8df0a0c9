# Baseline for the import benchmark: a plain Python script with the standard library's
# email module and sqlite3, storing each mail and its subject (what the issue compares with).
import email, email.policy, hashlib, os, sqlite3, sys, time

maildir, db_path = sys.argv[1], sys.argv[2]
start = time.time()
db = sqlite3.connect(db_path)
db.execute('PRAGMA journal_mode=WAL')
db.execute('CREATE TABLE messages (id INTEGER PRIMARY KEY, sha256 TEXT UNIQUE, message_id TEXT, subject TEXT, raw BLOB)')
n = 0
for sub in ('new', 'cur'):
    d = os.path.join(maildir, sub)
    for name in sorted(os.listdir(d)):
        with open(os.path.join(d, name), 'rb') as f:
            raw = f.read()
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        body = msg.get_body(preferencelist=('plain',))
        text = body.get_content() if body is not None else ''
        db.execute('INSERT OR IGNORE INTO messages (sha256, message_id, subject, raw) VALUES (?, ?, ?, ?)',
                   (hashlib.sha256(raw).hexdigest(), msg.get('Message-ID'), msg.get('Subject'), raw))
        n += 1
db.commit()
print(f'{n} {time.time() - start:.3f}')
