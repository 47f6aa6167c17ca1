RECORDS: list = []
