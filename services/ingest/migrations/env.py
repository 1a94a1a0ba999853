from services.common.db import run_migrations_online

run_migrations_online()
