"""huzhu: administration of the Jinan workers' critical-illness mutual-aid scheme."""
