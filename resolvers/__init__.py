# Every session copies reporting's case columns onto referrals as it flushes (the listener
# registers on import; resolvers/case_facts.py).
from resolvers import case_facts as case_facts
