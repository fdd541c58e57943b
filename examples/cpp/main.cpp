// Starts the embedded emulator, creates an end user and a system, and lists
// the systems page by page: the SDK from C++ in a dozen lines.
#include <iostream>

#include "versori.hpp"

int main() {
  std::cout << "libversori " << versori::version() << "\n";
  try {
    versori::Emulator emulator;  // or talk to the platform: leave base_url unset and set VERSORI_*
    versori::Client client(versori::ClientOptions{}
                               .base_url(emulator.base_url())
                               .organisation("01J8ZQ4N7G3Y5B2K9T6W1X00RG")
                               .api_key("example-key"));

    std::cout << client.call("CreateEndUser", R"({"body":{"externalId":"customer-123"}})") << "\n";
    client.call("CreateSystem", R"({"body":{"name":"CRM","domain":"crm.example.com",
                                   "templateBaseUrl":"https://crm.example.com","authSchemeConfigs":[]}})");
    for (const std::string &system : client.paginate("ListSystems", R"({"first":10})")) {
      std::cout << system << "\n";
    }
    client.call("GetEndUser", R"({"user_id":"nobody"})");  // throws: 404 not_found
  } catch (const versori::Error &e) {
    if (e.http_status() == 404 && e.code() == "not_found") {
      std::cout << "as expected: " << e.what() << "\n";
      return 0;
    }
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
  std::cerr << "error: the lookup of an unknown user did not fail\n";
  return 1;
}
