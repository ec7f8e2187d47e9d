import DurableExamples
import DurableTask
print("in progress")
