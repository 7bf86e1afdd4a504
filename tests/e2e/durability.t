# The short version of `make stress`: clients send events as fast as they can
# while the server is SIGKILLed 3 times and restarted; every call answered
# 200 is stored, none twice (tests/stress/durability.py checks and says).
$ python3 $DATA/../stress/durability.py --seconds 4 --kills 3 | grep -o ' 0 lost, 0 stored twice, 3 kills'
>  0 lost, 0 stored twice, 3 kills
# The same with every call through the inbox: a kill between a call's 200
# and its store leaves it in the inbox, stored by the next server.
$ python3 $DATA/../stress/durability.py --seconds 4 --kills 3 --queue-over 0 | grep -o ' 0 lost, 0 stored twice, 3 kills'
>  0 lost, 0 stored twice, 3 kills
