import DurableExamples
print("in progress")
