import os
os.environ.setdefault("DJANGO_SECRET_KEY","x")
os.environ.setdefault("SAMSPIL_CPR_ENCRYPTION_KEYS","c2Ftc3BpbC1kZXZlbG9wbWVudC1vbmx5LWtleS0wMDA=")
os.environ.setdefault("SAMSPIL_CPR_INDEX_KEY","y")
