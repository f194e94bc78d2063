package io.gmall.streaming.check

import org.scalatest.funsuite.AnyFunSuite
import picocli.CommandLine

class CheckOptionsSuite extends AnyFunSuite {

  test("--wait takes 0 or more seconds; anything else is refused before a check starts") {
    for (command <- Seq(() => new StoreCheck, () => new ApiCheck)) {
      val refused = intercept[CommandLine.ParameterException](new CommandLine(command()).parseArgs("--wait", "-5"))
      assert(refused.getMessage.contains("0 or more"), refused.getMessage)
      intercept[CommandLine.ParameterException](new CommandLine(command()).parseArgs("--wait", "soon"))
      assert(new CommandLine(command()).parseArgs("--wait", "0").matchedOptionValue("--wait", -1) == 0)
    }
  }
}
