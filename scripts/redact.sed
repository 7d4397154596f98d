# The run command's terminal filter (sed -E). wrangler dev prints every request's path, and MSG91's delivery
# reports carry SMS_DLR_SECRET in theirs (MSG91's webhook settings take no header of ours): the secret never
# reaches the terminal, or a log file made of it. enrol's own logs print no path.
s#(/v1/sms/dlr/msg91/)[^[:space:]?#"']+#\1[redacted]#g
