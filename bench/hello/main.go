// Command hello is the process floor for the start-up figures: the
// smallest Go program that prints a line.
package main

import "fmt"

func main() { fmt.Println("hello") }
