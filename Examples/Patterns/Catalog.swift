// The example orchestrations (in progress).
import DurableTask
